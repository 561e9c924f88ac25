"""The word patterns of text aimed at the grader, in English, French, Spanish, German and Portuguese.

They run on folded text (core.coaching.confusables): no accents, no look-alike letters, no invisible characters, so
"précédentes" is written "precedentes" here. They are deliberately narrow: a real answer about scoring models,
rubrics or system prompts must not lose sentences (tests run every pack's model answers and honest answers in each
language through them). Verbs are matched in the imperative only ("ignora", never "ignorar"), because an answer
says "we should not ignore the earlier rules" and an injection says "ignore the previous instructions".
"""

from __future__ import annotations

_ENGLISH = [
    # Overriding the instructions.
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+)?(?:of\s+)?(?:the\s+)?"
    r"(?:previous|prior|above|earlier|preceding|your|these|those|system|grading|original)\s+"
    r"(?:instructions?|rules|prompts?|rubric|guidelines|directions|criteria|messages?)",
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+of\s+|all\s+)?(?:the\s+)?(?:above|everything (?:above|before))\b",
    r"\bnew (?:instructions?|rules|task)\s*:",
    # Asking for a score.
    r"\b(?:give|award|assign|grant)\s+(?:me|this(?: answer)?|it|my answer)\b[^.\n]{0,40}"
    r"\b(?:10|ten|9|nine|full marks|perfect|maximum|top|highest)\b",
    r"\b(?:score|grade|rate|mark)\s+(?:me|this(?: answer| response)?|my answer)\b[^.\n]{0,30}"
    r"\b(?:10|ten|9|nine|full marks|perfect|maximum|highest|as excellent)\b",
    r"\b(?:this|my) (?:answer|response)\b[^.\n]{0,30}"
    r"\b(?:deserves?|merits?|earns?|is worth|should (?:get|receive|score))\b",
    r"\b(?:this|my) (?:answer|response)\b[^.\n]{0,30}\b(?:gets?|receives?|is (?:given|awarded))\s+(?:the\s+|a\s+)?"
    r"(?:full|top|highest|maximum|perfect|10\b|ten\b)",
    r"(?:\bme\b|\banswer\b|\bscore\b|\bgrade\b|\bmarks?\b)[^.\n]{0,40}\b(?:10|ten)\s*(?:/|out of)\s*(?:10|ten)\b",
    r"^\W*(?:score|grade|rating)\s*[:=]\s*(?:10|9|a\+?)\b",
    # Speaking as, or to, the grader or the system.
    r"\byou are (?:now |no longer |actually )?(?:the |a |an |my )?(?:grader|evaluator|examiner|scorer|assistant|"
    r"system|language model|llm)\b",
    r"\b(?:as|dear|attention|note to(?: the)?|hey|hi|hello) (?:the |an |my )?(?:ai )?(?:grader|evaluator|examiner|"
    r"scorer)\b",
    r"\b(?:the|this) (?:grader|evaluator|examiner|scorer) (?:should|must|will|has to|needs to|is)\b",
    # "System:" also opens steps of a user story; it is aimed at the grader when it speaks of grading.
    r"^\W*(?:system|assistant)\s*(?:message|prompt|note)?\s*[:>\]][^\n]*"
    r"\b(?:score\w*|grade\w*|answer|candidate|instructions?|rubric|evaluat\w*|marks?|perfect|10)\b",
    r"^\W*(?:grader|evaluator|examiner|assessor|moderator)(?:'s)?\s*(?:message|prompt|note|comment)?\s*[:>\]]",
    r"\[(?:system|inst|/inst|admin|reviewer|grader|evaluator|examiner|assessor|moderator)\]|<<\s*sys\s*>>"
    r"|<\|im_(?:start|end)\|>",
    # Fake grades and our own markup.
    r"[{,]\s*\"(?:score|grade|feedback|injection_detected|strength|improvement)\"\s*:",
    r"</?\s*candidate_answer\s*>",
    r"\binjection_detected\b",
    # Mimicking the model's own output.
    r"^\W*(?:thought process|chain of thought|final score|final grade|grad(?:ing|er) notes?)\s*:",
    r"^\s*[:>]+\s*$",
]

# "Reviewer note: rubric updated ... award the top mark": an instruction dressed as a note from whoever grades.
_REVIEWER_NOTES = [
    r"^\W*(?:reviewer|grading team|review team|assessment team|marking team)(?:'s)?\s*"
    r"(?:note|comment|message|update|instruction)s?\s*[:>\]]",
    r"^\W*reviewer\s*[:>\]][^\n]*\b(?:marks?|score\w*|grade\w*|rubric|points|answer|candidate|award)\b",
    r"\bnote\s+(?:from|to|for)\s+(?:the\s+)?(?:reviewer|assessor|moderator|grader|evaluator|examiner|grading team)s?\b",
    r"^\W*rubric\s*(?:update|updated|change|changed|amendment|revision|revised|override)\s*[:>\]]",
    r"\brubric\s+(?:was\s+|has\s+been\s+|is\s+)?(?:updated|changed|amended|revised|overridden)\b[^.\n]{0,60}"
    r"\b(?:award|give|top|full|highest|maximum|10)\b",
    r"^\W*update\s+from\s+the\s+(?:grading|review|assessment|marking|evaluation)\s+(?:team|panel|committee)\b",
    r"\bper\s+the\s+(?:updated|new|revised|amended)\s+(?:rubric|marking scheme|grading (?:guide|scheme|criteria))\b",
    # An order to award the top mark, at the start of a sentence or clause: "We award the top rating" is not one.
    r"(?:^|[:;,(]|\bplease|\bkindly)\s*(?:award|give|assign|grant)\s+(?:(?:me|it|this(?:\s+(?:answer|response))?|"
    r"the\s+(?:answer|response|candidate))\s+)?(?:the\s+|a\s+)?(?:top|highest|maximum|max|full|best|perfect)\s+"
    r"(?:mark|marks|score|grade|points)\b",
]

# Nouns shared by the four languages below: the one who grades, and the machine.
_GRADER = (
    r"(?:correcteur|correctrice|evaluateur|evaluatrice|examinateur|examinatrice|evaluador|evaluadora|corrector|"
    r"correctora|examinador|examinadora|calificador|avaliador|avaliadora|corretor|corretora|prufer|pruferin|"
    r"bewerter|bewerterin|korrektor|gutachter)"
)
_MACHINE = rf"(?:{_GRADER}|assistante?|asistente|assistente|assistent|systeme|sistema|system|modele|modelo|modell|"
_MACHINE += r"sprachmodell|ia|ki)"
_TEN = r"(?:10|dix|diez|dez|zehn)"
_TOP = (
    r"(?:meilleure\s+note|note\s+maximale|note\s+la\s+plus\s+haute|note\s+parfaite|(?:puntuacion|nota|calificacion|"
    r"puntaje|pontuacao|classificacao)\s+(?:maxima|mas\s+alta|mais\s+alta|perfeita|perfecta)|hochstpunktzahl|"
    rf"hochstnote|bestnote|volle\s+punktzahl|maximale\s+punktzahl|alle\s+punkte|{_TEN}\s*(?:/|sur|de|von)\s*{_TEN}|"
    rf"(?:un|une|uma|um|eine|die|la|le|a|note|nota)\s+{_TEN}(?![\d%.,])(?!\s*(?:%|pour|por|prozent)))"
)

_OTHER_LANGUAGES = [
    # Ignore the previous instructions.
    r"\b(?:ignore|ignorez|oublie|oubliez|ne\s+tiens\s+pas\s+compte|ne\s+tenez\s+pas\s+compte|fais\s+abstraction|"
    r"faites\s+abstraction|ignora|ignoren|ignorad|olvida|olvide|olviden|olvidad|omite|omita|descarta|descarte|"
    r"no\s+hagas\s+caso|haz\s+caso\s+omiso|ignorem|esqueca|esquece|esquecam|desconsidere|desconsidera|despreze|"
    r"despreza)\s+(?:(?:de|des|du|a|de\s+las|de\s+los)\s+)?(?:toutes\s+|tous\s+|todas\s+|todos\s+)?"
    r"(?:(?:les|tes|vos|las|los|tus|sus|as|os|suas|tuas|el|la|le)\s+)?"
    r"(?:instructions?|consignes?|regles|directives|indications|instrucciones|reglas|indicaciones|normas|directrices|"
    r"pautas|ordenes|instrucoes|regras|orientacoes|diretrizes|ordens|prompts?|criteres|criterios|bareme)\s+"
    r"(?:precedentes|anteriores|ci-dessus|d'avant|initiales|originales|du\s+systeme|de\s+notation|previas|"
    r"previos|de\s+arriba|originais|acima|do\s+sistema|del\s+sistema)\b",
    r"\b(?:ignore|ignorez|oublie|oubliez)\s+tout\s+ce\s+qui\s+(?:precede|est\s+(?:au-dessus|ci-dessus|plus\s+haut)|"
    r"a\s+ete\s+dit)",
    r"\b(?:ignora|ignore|olvida|olvide|omite)\s+todo\s+lo\s+(?:anterior|de\s+arriba|previo|dicho)\b",
    r"\b(?:ignore|ignora|esqueca|esquece|desconsidere|desconsidera|despreze)\s+tudo\s+(?:o\s+que|acima|antes|"
    r"o\s+anterior)\b",
    r"\b(?:ignoriere|ignorier|ignorieren\s+sie|vergiss|vergessen\s+sie|missachte|missachten\s+sie)\s+"
    r"(?:(?:alle|die|deine|ihre|samtliche)\s+)?(?:vorherigen|bisherigen|obigen|vorigen|fruheren|ursprunglichen)\s+"
    r"(?:anweisungen|regeln|instruktionen|vorgaben|richtlinien|bewertungskriterien|kriterien|prompts?)\b",
    r"\b(?:ignoriere|ignorier|vergiss|missachte)\s+alles\s+(?:bisherige|obige|vorherige|davor|oben|andere)\b",
    # Give me the top mark.
    r"\b(?:donne|donnez|attribue|attribuez|mets|mettez|accorde|accordez|dame|deme|denme|ponme|pongame|otorgame|"
    r"otorgueme|asigname|asigneme|concedeme|pon|ponle|otorga|otorgale|asigna|dale|atribua|atribui|conceda|coloque|"
    r"ponha|me\s+de|de-me|da-me|me\s+da|gib|geben\s+sie|vergib|vergeben\s+sie|erteile|erteilen\s+sie)"
    r"(?:-moi|-lui|-nous)?\s+(?:(?:moi|mir|ihr|uns|dieser\s+antwort|a\s+(?:cette|ma|esta|mi|essa|minha)\s+"
    rf"(?:reponse|respuesta|resposta))\s+)?(?:(?:bitte|por\s+favor)\s+)?(?:(?:la|une|el|a|die|der|o)\s+)?{_TOP}",
    # This answer deserves ...
    r"\b(?:cette|ma)\s+reponse\s+(?:merite|vaut|devrait\s+(?:avoir|obtenir|recevoir))\b",
    r"\b(?:esta|mi)\s+respuesta\s+(?:merece|vale|deberia\s+(?:tener|obtener|recibir|sacar))\b",
    r"\b(?:esta|essa|minha)\s+resposta\s+(?:merece|vale|deveria\s+(?:ter|obter|receber|tirar))\b",
    r"\b(?:diese|meine)\s+antwort\s+(?:verdient|ist\s+(?:\w+\s+)?wert|sollte\s+\w+\s+(?:bekommen|erhalten))\b",
    # Speaking to the grader.
    r"\b(?:cher|chere|note\s+(?:au|pour\s+le|a\s+l')|message\s+(?:au|pour\s+le|a\s+l')|a\s+l'attention\s+du|"
    r"estimado|estimada|querido|querida|nota\s+(?:para|al|ao)\s+(?:el\s+|la\s+|o\s+|a\s+)?|mensaje\s+(?:para|al)|"
    r"mensagem\s+(?:para|ao)|prezado|prezada|caro|cara|lieber|liebe|sehr\s+geehrter|sehr\s+geehrte|"
    rf"(?:hinweis|nachricht|notiz)\s+an\s+(?:den|die)|hallo)\s+(?:(?:el|la|le|o|a)\s+)?{_GRADER}\b",
    # You are now the grader.
    # Portuguese "voce e" is also "you and": only "agora voce e", "voce e agora" or "voce e um/uma/meu" count.
    r"\b(?:tu\s+es|vous\s+etes|tu\s+deviens|vous\s+devenez|eres|usted\s+es|agora\s+voce\s+e|"
    r"voce\s+e(?=\s+(?:agora|um|uma|meu)\b)|du\s+bist|bist\s+du)\s+"
    r"(?:(?:maintenant|desormais|a\s+present|ahora|agora|jetzt|nun|ab\s+jetzt|ab\s+sofort)\s+)?"
    r"(?:(?:un|une|le|la|l'|mon|ma|el|mi|um|uma|o|a|meu|ein|eine|der|die|mein|meine)\s*)?(?:[\w-]+\s+){0,2}?"
    rf"{_MACHINE}\b",
    # "Système :" speaking of grading.
    r"^\W*(?:system|systeme|sistema|systemnachricht|asistente|assistente|assistent)\s*(?:message|mensaje|mensagem)?\s*"
    r"[:>\]][^\n]*\b(?:reponse|respuesta|resposta|antwort|candidat\w*|kandidat\w*|parfaite?|perfect[ao]|perfeit[ao]|"
    r"perfekt|note\s+\d+|nota\s+\d+|puntuacion|pontuacao|punktzahl|calificacion|instruc\w*|consignes?|anweisung\w*)",
]

AIMED_AT_GRADER: tuple[str, ...] = (*_ENGLISH, *_REVIEWER_NOTES, *_OTHER_LANGUAGES)

# Words of grading, in the five languages. Only used once the model has said that something in an answer addressed
# it and none of the patterns above found it: then every sentence speaking of grades or instructions is suspect.
GRADING_WORDS = (
    r"\b(?:grad\w*|scor\w*|marks?|rubric\w*|instruc\w*|prompt\w*|points?|rat(?:e|ed|ing)|evaluat\w*|review\w*|"
    r"assess\w*|examin\w*|system\w*|assistant|llm|gpt\w*|ai|perfect\w*|maxim\w*|highest|deserv\w*|award\w*|"
    r"ignor\w*|disregard\w*|forget|override|bypass|10|ten|note\w*|nota|punt\w*|calific\w*|correct(?:eur|or)\w*|"
    r"corretor\w*|consigne\w*|regl\w*|regra\w*|anweisung\w*|bewert\w*|prufe\w*|punkt\w*|avalia\w*|merec\w*|"
    r"merit\w*|verdien\w*|parfait\w*|perfekt\w*|perfeit\w*|sistema|olvid\w*|oubli\w*|esquec\w*|vergiss\w*|"
    r"dix|diez|dez|zehn|\d+\s*/\s*\d+)\b"
)
