"""Words for the engine's codes in Russian, Kazakh and English, and sentences built from facts.

Django-free, so the command line's exports and the web say the same words: the Russian and Kazakh here
are those of the web's catalogues for the same codes (``web/common/labels.py``). ``word(kind, code,
lang)`` names a code; ``sentence(kind, code, facts, lang)`` fills the template of a code with its facts
(a JSON object: dates written dd.mm.yyyy, numbers through ``birtizim.wording``, codes as words).
``sentence_sql`` compiles the same templates into one SQL expression, so an export says a whole table's
sentences set-based. Russian is the default language.

A template's placeholders name a fact and how to write it: ``{on:date}``, ``{last_payment:month}``,
``{age:int}``, ``{probability:num3}``, ``{source:source}``, ``{lists:sources}`` (a list of codes),
``{category:category}``, ``{registry:district}``, ``{written:quoted}``; ``{x}`` is the text as it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import string
from collections.abc import Mapping
from typing import Any

from birtizim.reference import regions
from birtizim.reference.osms import CATEGORIES
from birtizim.tables import places
from birtizim.tables.sql import quote_literal
from birtizim.wording import Language, language_of, whole

DEFAULT = "ru"
Words = dict[str, tuple[str, str, str]]  # code -> (ru, kk, en)

STATUS: Words = {
    "state": ("застрахован государством", "мемлекет сақтандырған", "insured by the state"),
    "contributor": ("плательщик взносов", "жарна төлеуші", "contributor"),
    "lapsed": ("утратил статус", "мәртебесін жоғалтқан", "lapsed"),
    "undetermined": ("статус не определён", "мәртебесі анықталмаған", "status undetermined"),
    "left": ("умер или выбыл", "қайтыс болған немесе көшіп кеткен", "deceased or emigrated"),
}
CONFLICT: Words = {
    "contributions_and_nonworking_category": (
        "взносы и категория неработающих",
        "жарна және жұмыс істемейтіндер санаты",
        "contributions and a non-working category",
    ),
    "departed_but_listed": (
        "умер или выбыл, но числится в списке",
        "қайтыс болған немесе көшіп кеткен, бірақ тізімде бар",
        "deceased or emigrated, still listed",
    ),
    "category_age_mismatch": (
        "категория не соответствует возрасту",
        "санат жасқа сәйкес келмейді",
        "category does not fit the age",
    ),
    "district_mismatch": (
        "район различается в источниках",
        "көздерде аудан әртүрлі",
        "district differs between sources",
    ),
    "iin_birth_date_mismatch": (
        "ИИН не совпадает с датой рождения",
        "ЖСН туған күнге сәйкес келмейді",
        "IIN disagrees with the birth date",
    ),
    "duplicate_in_list": ("дважды в одном списке", "бір тізімде екі рет", "twice in one list"),
    "not_in_registry": ("не найден среди жителей", "тұрғындар арасында табылмады", "matches no resident"),
    "uncertain_match": ("неуверенное совпадение", "сенімсіз сәйкестік", "uncertain match"),
    "iin_of_another_resident": ("ИИН другого жителя", "Басқа тұрғынның ЖСН-і", "IIN of another resident"),
    "iin_name_mismatch": (
        "ФИО не совпадает с владельцем ИИН",
        "Аты-жөні ЖСН иесімен сәйкес келмейді",
        "name differs from the IIN's resident",
    ),
    "unknown_district": ("район не распознан", "аудан танылмады", "district not recognised"),
    "outcome_disagrees": (
        "сообщение специалиста расходится с данными",
        "маман хабары деректерге сәйкес келмейді",
        "the officer's report disagrees with the data",
    ),
}
SOURCE: Words = {
    "registry": ("Регистр населения", "Халық тіркелімі", "Population registry"),
    "contributions": (
        "Органы госдоходов: взносы",
        "Мемлекеттік кірістер органдары: жарналар",
        "State Revenue: contributions",
    ),
    "unemployed": ("Зарегистрированные безработные", "Тіркелген жұмыссыздар", "Registered unemployed"),
    "pension": ("Получатели пенсий", "Зейнетақы алушылар", "Pension recipients"),
    "disability": ("Лица с инвалидностью", "Мүгедектігі бар адамдар", "Persons with disabilities"),
    "students": ("Обучающиеся по очной форме", "Күндізгі оқу нысанындағы білім алушылар", "Full-time students"),
    "childcare": ("Отпуск по уходу за ребёнком", "Бала күтімі бойынша демалыс", "Childcare leave"),
    "asp": ("Адресная социальная помощь (АСП)", "Атаулы әлеуметтік көмек (АӘК)", "Targeted social assistance (ASP)"),
}
CATEGORY: Words = {c.code: (c.name_ru, c.name_kk, c.name_en) for c in CATEGORIES} | {
    "contributor": ("плательщик взносов", "жарна төлеуші", "contributor"),
}
REASON: Words = {
    "outcome_disagrees": (
        "сообщение специалиста расходится с данными агентств",
        "маман хабары агенттіктер деректеріне сәйкес келмейді",
        "the officer's report disagrees with the agencies' data",
    ),
    "paying_and_nonworking": (
        "платит взносы, но числится неработающим",
        "жарна төлейді, бірақ жұмыс істемейтін ретінде тіркелген",
        "pays contributions but listed as non-working",
    ),
    "category_age": (
        "категория не соответствует возрасту",
        "санат жасқа сәйкес келмейді",
        "category does not fit the age",
    ),
    "identity_doubt": ("сомнение в личности", "тұлғаға күмән", "doubt about identity"),
    "turned_adult": ("исполнилось 18 лет", "18 жасқа толды", "turned 18"),
    "pension_age": ("пенсионный возраст без пенсии", "зейнетақысыз зейнет жасы", "pension age without a pension"),
    "in_no_list": ("нет ни в одном списке", "бірде-бір тізімде жоқ", "in no list"),
    "category_ending": ("категория скоро закончится", "санат жақында аяқталады", "category ending soon"),
}
ACTION: Words = {
    "check_outcome": (
        "сверить сообщение с данными агентств",
        "хабарды агенттіктер деректерімен салыстыру",
        "check the report against the agencies' data",
    ),
    "call_check_employment": (
        "позвонить: работает ли, сообщить в агентство",
        "қоңырау шалу: жұмыс істей ме, агенттікке хабарлау",
        "call: is the person working; tell the agency",
    ),
    "notify_agency": ("сообщить в агентство", "агенттікке хабарлау", "tell the agency"),
    "call_check_category": (
        "позвонить: уточнить категорию",
        "қоңырау шалу: санатты нақтылау",
        "call: check the category",
    ),
    "visit_check_category": ("посетить: уточнить категорию", "бару: санатты нақтылау", "visit: check the category"),
    "check_documents": ("проверить документы", "құжаттарды тексеру", "check the documents"),
    "call_find_status": (
        "позвонить: выяснить занятость и статус",
        "қоңырау шалу: жұмыспен қамтылуы мен мәртебесін анықтау",
        "call: find out work and status",
    ),
    "visit_find_status": (
        "посетить: выяснить занятость и статус",
        "бару: жұмыспен қамтылуы мен мәртебесін анықтау",
        "visit: find out work and status",
    ),
    "call_ask_pension": (
        "позвонить: получает ли пенсию",
        "қоңырау шалу: зейнетақы ала ма",
        "call: does the person receive a pension",
    ),
    "visit_ask_pension": (
        "посетить: получает ли пенсию",
        "бару: зейнетақы ала ма",
        "visit: does the person receive a pension",
    ),
    "call_before_end": (
        "позвонить до окончания категории",
        "санат аяқталғанға дейін қоңырау шалу",
        "call before the category ends",
    ),
    "visit_before_end": (
        "посетить до окончания категории",
        "санат аяқталғанға дейін бару",
        "visit before the category ends",
    ),
    "call_follow_up": (
        "повторный звонок: срок оплаты наступил",
        "қайта қоңырау: төлем мерзімі келді",
        "call again: the payment is due",
    ),
    "wait_follow_up": ("ждать даты повторного звонка", "қайта қоңырау күнін күту", "wait for the follow-up date"),
    "no_action": ("отработан", "жұмыс істелді", "worked"),
}
OUTCOME: Words = {
    "not_reached": ("не дозвонились", "байланыс болмады", "not reached"),
    "wrong_contact": ("неверные контакты", "байланыс деректері қате", "wrong contact"),
    "will_pay": ("обещал оплатить", "төлеуге уәде берді", "will pay"),
    "actualised": ("статус актуализирован", "мәртебесі өзектендірілді", "status actualised"),
    "left_country": ("выехал из страны", "елден кетті", "left the country"),
    "deceased": ("умер", "қайтыс болды", "deceased"),
    "refused": ("отказ", "бас тартты", "refused"),
}
OUTCOME_PROBLEM: Words = {
    "unknown_result": ("неизвестный результат", "белгісіз нәтиже", "unknown result"),
    "date_required": ("укажите дату", "күнін көрсетіңіз", "give the date"),
    "date_in_future": ("дата ещё не наступила", "күн әлі келмеді", "the date is in the future"),
    "date_before_birth": ("дата раньше даты рождения", "күн туған күннен бұрын", "the date is before the birth date"),
    "follow_up_required": (
        "укажите дату повторного звонка",
        "қайта қоңырау күнін көрсетіңіз",
        "give the follow-up date",
    ),
    "follow_up_in_past": (
        "дата повторного звонка уже прошла",
        "қайта қоңырау күні өтіп кетті",
        "the follow-up date has passed",
    ),
    "category_required": ("выберите категорию", "санатты таңдаңыз", "choose the category"),
    "category_unknown": ("неизвестная категория", "белгісіз санат", "unknown category"),
    "category_age": (
        "категория не подходит по возрасту",
        "санат жасқа сәйкес келмейді",
        "the category does not fit the age",
    ),
    "category_sex": (
        "категория не подходит по полу",
        "санат жынысқа сәйкес келмейді",
        "the category does not fit the sex",
    ),
}
DISAGREEMENT: Words = {
    "paid_after": (
        "взносы поступали позже этой даты",
        "жарналар осы күннен кейін түскен",
        "contributions were paid after that date",
    ),
    "not_in_list": ("в списке агентства нет", "агенттік тізімінде жоқ", "not in the agency's list"),
    "age": ("не подходит по возрасту", "жасқа сәйкес келмейді", "does not fit the age"),
}
REGISTRY_STATUS: Words = {
    "resident": ("проживает", "тұрады", "resident"),
    "deceased": ("умер", "қайтыс болған", "deceased"),
    "emigrated": ("выбыл", "көшіп кеткен", "emigrated"),
}
LISTED_AS: Words = {
    "unemployed": ("зарегистрированный безработный", "тіркелген жұмыссыз", "registered unemployed"),
    "nonworking_parent": ("неработающий родитель", "жұмыс істемейтін ата-ана", "a non-working parent"),
    "asp": (
        "получатель адресной социальной помощи",
        "атаулы әлеуметтік көмек алушы",
        "a recipient of targeted social assistance",
    ),
}
REJECT: Words = {
    "not_utf8": (
        "байты, которые не являются текстом UTF-8",
        "UTF-8 мәтіні емес байттар",
        "bytes that are not UTF-8 text",
    ),
    "unclosed_quote": (
        "незакрытая кавычка или кавычка внутри поля без кавычек",
        "жабылмаған тырнақша немесе тырнақшасыз өрістің ішіндегі тырнақша",
        "a quote that is not closed, or a quote inside an unquoted field",
    ),
    "line_too_long": ("слишком длинная строка", "тым ұзын жол", "a line too long to read"),
    "unreadable_line": (
        "строку нельзя прочитать как строку таблицы",
        "жолды кесте жолы ретінде оқу мүмкін емес",
        "a line that cannot be read as a table row",
    ),
    "empty_row": ("пустая строка", "бос жол", "an empty row"),
    "no_iin_no_name": ("нет пригодного ИИН и нет имени", "жарамды ЖСН де, аты да жоқ", "no usable IIN and no name"),
    "registry row without a valid IIN": (
        "строка регистра без действительного ИИН",
        "жарамды ЖСН-сіз тіркелім жолы",
        "registry row without a valid IIN",
    ),
    "IIN repeated in the registry (the first row is kept)": (
        "ИИН повторяется в регистре (оставлена первая строка)",
        "ЖСН тіркелімде қайталанады (бірінші жол қалдырылды)",
        "IIN repeated in the registry (the first row is kept)",
    ),
}
SEX: Words = {"M": ("М", "Е", "M"), "F": ("Ж", "Ә", "F")}
# Export column headers and sheet names.
COLUMN: Words = {
    "iin": ("ИИН", "ЖСН", "IIN"),
    "last_name": ("Фамилия", "Тегі", "Surname"),
    "first_name": ("Имя", "Аты", "First name"),
    "patronymic": ("Отчество", "Әкесінің аты", "Patronymic"),
    "birth_date": ("Дата рождения", "Туған күні", "Birth date"),
    "age": ("Возраст", "Жасы", "Age"),
    "sex": ("Пол", "Жынысы", "Sex"),
    "district": ("Район", "Аудан", "District"),
    "status": ("Статус", "Мәртебесі", "Status"),
    "category": ("Категория", "Санаты", "Category"),
    "priority": ("Очерёдность", "Кезектілігі", "Priority"),
    "reason": ("Причина", "Себебі", "Reason"),
    "action": ("Действие", "Әрекет", "Action"),
    "phone": ("Телефон", "Телефон", "Phone"),
    "address": ("Адрес", "Мекенжайы", "Address"),
    "conflicts": ("Расхождения", "Сәйкессіздіктер", "Conflicts"),
    "details": ("Подробности", "Толығырақ", "Details"),
    "outcome": ("Результат работы", "Жұмыс нәтижесі", "Outcome"),
    "type": ("Тип", "Түрі", "Type"),
    "source": ("Источник", "Дереккөз", "Source"),
    "row_number": ("Строка", "Жол", "Row"),
    "n": ("Количество", "Саны", "Count"),
    "reject_reason": ("Причина отказа", "Қабылданбау себебі", "Why rejected"),
    "file": ("Файл", "Файл", "File"),
    "rank": ("Место", "Орны", "Rank"),
    "name": ("Название", "Атауы", "Name"),
    "residents": ("Жители", "Тұрғындар", "Residents"),
    "state": ("За счёт государства", "Мемлекет есебінен", "State-paid"),
    "contributor": ("Плательщики", "Төлеушілер", "Contributors"),
    "lapsed": ("Утратили статус", "Мәртебесін жоғалтқандар", "Lapsed"),
    "undetermined": ("Статус не определён", "Мәртебесі анықталмаған", "Undetermined"),
    "actualisation": ("Актуализация", "Өзектендіру", "Actualisation"),
    "rows_received": ("Строк получено", "Алынған жолдар", "Rows received"),
    "rejected": ("Отклонено", "Қабылданбады", "Rejected"),
    "matched_iin": ("Связано по ИИН", "ЖСН бойынша байланыстырылды", "Linked by IIN"),
    "iin_repaired": ("ИИН исправлен", "ЖСН түзетілді", "IIN repaired"),
    "matched_probabilistic": ("Связано по ФИО и дате", "Аты-жөні мен күні бойынша", "Linked by name and date"),
    "matched_decided": ("Связано решением", "Шешіммен байланыстырылды", "Linked by a decision"),
    "for_review": ("На проверку", "Тексеруге", "For review"),
    "not_in_registry": ("Нет в регистре", "Тіркелімде жоқ", "Not in the registry"),
    "duplicate_rows": ("Повторы", "Қайталаулар", "Duplicate rows"),
    "distinct_residents": ("Разных жителей", "Әртүрлі тұрғындар", "Distinct residents"),
    "rows_in_conflict": ("Строк с расхождениями", "Сәйкессіздігі бар жолдар", "Rows in conflict"),
}
SHEET: Words = {
    "districts": ("Районы", "Аудандар", "Districts"),
    "sources": ("Источники", "Дереккөздер", "Sources"),
    "conflicts_by_type": ("Расхождения по типам", "Сәйкессіздік түрлері", "Conflicts by type"),
    "conflicts": ("Расхождения", "Сәйкессіздіктер", "Conflicts"),
    "data_quality": ("Качество данных", "Деректер сапасы", "Data quality"),
    "rejects": ("Отклонённые строки", "Қабылданбаған жолдар", "Rejects"),
    "worklist": ("Рабочий список", "Жұмыс тізімі", "Work list"),
}

KINDS: dict[str, Words] = {
    "status": STATUS,
    "conflict": CONFLICT,
    "source": SOURCE,
    "category": CATEGORY,
    "reason": REASON,
    "action": ACTION,
    "outcome": OUTCOME,
    "outcome_problem": OUTCOME_PROBLEM,
    "disagreement": DISAGREEMENT,
    "registry_status": REGISTRY_STATUS,
    "listed_as": LISTED_AS,
    "reject": REJECT,
    "sex": SEX,
    "column": COLUMN,
    "sheet": SHEET,
}

# Sentence templates: kind -> code -> (ru, kk, en). A conflict of type uncertain_match with a reason has a
# template of its own (``uncertain_match:iin_disputed``).
SENTENCES: dict[str, dict[str, tuple[str, str, str]]] = {
    "conflict": {
        "contributions_and_nonworking_category": (
            "платит взносы и при этом числится как {listed:listed_as}",
            "жарна төлейді, бірақ {listed:listed_as} ретінде тіркелген",
            "pays contributions while listed as {listed:listed_as}",
        ),
        "departed_but_listed": (
            "в регистре: {registry_status:registry_status} {on:date}, но человек есть в списке «{source:source}»",
            "тіркелімде: {registry_status:registry_status} {on:date}, бірақ адам «{source:source}» тізімінде бар",
            "the registry says {registry_status:registry_status} on {on:date}, yet the person is in “{source:source}”",
        ),
        "category_age_mismatch": (
            "в списке «{source:source}» в возрасте {age:int}",
            "«{source:source}» тізімінде, жасы {age:int}",
            "in “{source:source}” at the age of {age:int}",
        ),
        "district_mismatch": (
            "в списке «{source:source}» район записан как {written:quoted}, в регистре — {registry:district}",
            "«{source:source}» тізімінде аудан {written:quoted} деп жазылған, тіркелімде — {registry:district}",
            "“{source:source}” writes the district as {written:quoted}, the registry has {registry:district}",
        ),
        "iin_birth_date_mismatch": (
            "в списке «{source:source}» по ИИН дата рождения {iin_date:date}, в строке — {row_date:date}",
            "«{source:source}» тізімінде ЖСН бойынша туған күні {iin_date:date}, жолда — {row_date:date}",
            "in “{source:source}” the IIN says born {iin_date:date}, the row {row_date:date}",
        ),
        "duplicate_in_list": (
            "строк с этим человеком в списке «{source:source}»: {times:int}",
            "«{source:source}» тізіміндегі осы адамның жолдары: {times:int}",
            "rows for this person in “{source:source}”: {times:int}",
        ),
        "not_in_registry": (
            "строка списка «{source:source}» не совпала ни с одним жителем регистра",
            "«{source:source}» тізімінің жолы тіркелімдегі бірде-бір тұрғынмен сәйкес келмеді",
            "a row of “{source:source}” matches no resident of the registry",
        ),
        "iin_of_another_resident": (
            "в строке списка «{source:source}» ИИН другого жителя, а имя и дата рождения — этого человека",
            "«{source:source}» тізімінің жолында басқа тұрғынның ЖСН-і, ал аты мен туған күні — осы адамдікі",
            "a row of “{source:source}” carries another resident's IIN; its name and birth date are this person's",
        ),
        "iin_name_mismatch": (
            "связан по ИИН в списке «{source:source}», но имя или дата рождения в строке отличаются",
            "«{source:source}» тізімінде ЖСН бойынша байланыстырылды, бірақ жолдағы аты немесе туған күні өзгеше",
            "linked by the IIN in “{source:source}”, but the row's first name or birth date differ",
        ),
        "uncertain_match": (
            "возможное совпадение в списке «{source:source}», вероятность {probability:num3}",
            "«{source:source}» тізімінде ықтимал сәйкестік, ықтималдығы {probability:num3}",
            "a possible match in “{source:source}”, probability {probability:num3}",
        ),
        "uncertain_match:iin_disputed": (
            "в списке «{source:source}» ИИН принадлежит жителю с другим именем или датой рождения; "
            "вероятность {probability:num3}",
            "«{source:source}» тізімінде ЖСН аты немесе туған күні басқа тұрғынға тиесілі; "
            "ықтималдығы {probability:num3}",
            "in “{source:source}” the IIN is that of a resident whose name or birth date differ; "
            "probability {probability:num3}",
        ),
        "uncertain_match:iin_range": (
            "в списке «{source:source}» ИИН в экспоненциальной записи может принадлежать нескольким жителям "
            "с таким именем",
            "«{source:source}» тізімінде экспоненциалды түрде жазылған ЖСН осындай аты бар бірнеше тұрғынға "
            "тиесілі болуы мүмкін",
            "in “{source:source}” an IIN in scientific notation could be that of several residents of this name",
        ),
        "unknown_district": (
            "в списке «{source:source}» указан нераспознанный район: {written:quoted}",
            "«{source:source}» тізімінде танылмаған аудан көрсетілген: {written:quoted}",
            "“{source:source}” names a district not recognised: {written:quoted}",
        ),
        "outcome_disagrees": (
            "специалист сообщил: {result:outcome} {on:date}; данные агентств расходятся: "
            "{disagreement:disagreement} ({source:source})",
            "маман хабарлады: {result:outcome} {on:date}; агенттіктер деректері сәйкес емес: "
            "{disagreement:disagreement} ({source:source})",
            "the officer reported: {result:outcome} {on:date}; the agencies' data disagree: "
            "{disagreement:disagreement} ({source:source})",
        ),
    },
    "reason": {
        "outcome_disagrees": (
            "Сообщение специалиста расходится с данными агентств. Есть в списках: {lists:sources}",
            "Маман хабары агенттіктер деректеріне сәйкес емес. Тізімдерде бар: {lists:sources}",
            "The officer's report disagrees with the agencies' data. In the lists: {lists:sources}",
        ),
        "paying_and_nonworking": (
            "Платит взносы (последний месяц {last_payment:month}), но числится неработающим. "
            "Есть в списках: {lists:sources}",
            "Жарна төлейді (соңғы айы {last_payment:month}), бірақ жұмыс істемейтін ретінде тіркелген. "
            "Тізімдерде бар: {lists:sources}",
            "Pays contributions (last month {last_payment:month}) but is listed as non-working. "
            "In the lists: {lists:sources}",
        ),
        "category_age": (
            "Возраст {age:int} не подходит для категории списка. Есть в списках: {lists:sources}",
            "Жасы {age:int} тізім санатына сәйкес келмейді. Тізімдерде бар: {lists:sources}",
            "The age of {age:int} does not fit the list's category. In the lists: {lists:sources}",
        ),
        "identity_doubt": (
            "Строка списка связана с жителем с сомнением: {conflicts:conflicts}. Есть в списках: {lists:sources}",
            "Тізім жолы тұрғынмен күмәнді байланыстырылды: {conflicts:conflicts}. Тізімдерде бар: {lists:sources}",
            "A list's row is linked to the resident with doubt: {conflicts:conflicts}. In the lists: {lists:sources}",
        ),
        "turned_adult": (
            "Исполнилось 18 лет {adult_on:date}: категория «дети» закончилась; нет ни в одном списке: {absent:sources}",
            "{adult_on:date} 18 жасқа толды: «балалар» санаты аяқталды; бірде-бір тізімде жоқ: {absent:sources}",
            "Turned 18 on {adult_on:date}: the children's category ended; in none of the lists: {absent:sources}",
        ),
        "pension_age": (
            "Возраст {age:int}: пенсионный, но нет в списке получателей пенсий и ни в одном другом: {absent:sources}",
            "Жасы {age:int}: зейнет жасы, бірақ зейнетақы алушылар тізімінде де, басқа тізімдерде де жоқ: "
            "{absent:sources}",
            "Aged {age:int}: pension age, yet not in the pension list nor in any other: {absent:sources}",
        ),
        "in_no_list": (
            "Нет ни в одном списке: {absent:sources}",
            "Бірде-бір тізімде жоқ: {absent:sources}",
            "In none of the lists: {absent:sources}",
        ),
        "category_ending": (
            "Категория «{category:category}» заканчивается {ends:date}",
            "«{category:category}» санаты {ends:date} аяқталады",
            "The category “{category:category}” ends on {ends:date}",
        ),
    },
    # why a row was not read (``rejects.reason``: a code, then its figures after ":"; the registry's own
    # two reasons are sentences of link.py)
    "reject": {
        "too_many_fields": (
            "лишние поля: {found}, а в заголовке {expected}",
            "өрістер артық: {found}, ал тақырыпта {expected}",
            "too many fields: {found} where the header has {expected}",
        ),
        "too_few_fields": (
            "не хватает полей: {found}, а в заголовке {expected}",
            "өрістер жетіспейді: {found}, ал тақырыпта {expected}",
            "too few fields: {found} where the header has {expected}",
        ),
    },
    "outcome": {
        "not_reached": (
            "Специалист не дозвонился {recorded_at:date}",
            "Маман {recorded_at:date} хабарласа алмады",
            "The officer could not reach the resident on {recorded_at:date}",
        ),
        "wrong_contact": (
            "Специалист сообщил о неверных контактах {recorded_at:date}",
            "Маман {recorded_at:date} байланыс деректерінің қате екенін хабарлады",
            "The officer reported wrong contacts on {recorded_at:date}",
        ),
        "will_pay": (
            "Обещал оплатить; повторный звонок {follow_up:date}",
            "Төлеуге уәде берді; қайта қоңырау {follow_up:date}",
            "Promised to pay; follow-up on {follow_up:date}",
        ),
        "actualised": (
            "Специалист актуализировал статус: {category:category}",
            "Маман мәртебені өзектендірді: {category:category}",
            "The officer actualised the status: {category:category}",
        ),
        "left_country": (
            "Специалист сообщил о выезде из страны {on:date}",
            "Маман {on:date} елден кеткенін хабарлады",
            "The officer reported emigration on {on:date}",
        ),
        "deceased": (
            "Специалист сообщил о смерти {on:date}",
            "Маман {on:date} қайтыс болғанын хабарлады",
            "The officer reported death on {on:date}",
        ),
        "refused": (
            "Житель отказался {recorded_at:date}",
            "Тұрғын {recorded_at:date} бас тартты",
            "The resident refused on {recorded_at:date}",
        ),
    },
}
# Placeholder formats whose value is a code named by a kind of ``KINDS``.
WORD_FORMATS = {
    "source": "source",
    "category": "category",
    "outcome": "outcome",
    "disagreement": "disagreement",
    "registry_status": "registry_status",
}
LIST_FORMATS = {"sources": "source", "conflicts": "conflict"}
_INDEX = {"ru": 0, "kk": 1, "en": 2}


def _lang(lang: str | None) -> Language:
    return language_of(lang or DEFAULT)


def word(kind: str, code: str, lang: str = DEFAULT) -> str:
    """A code's word in ``lang`` (ru, kk or en); a code no table knows stays as it is."""
    if kind == "district":
        return district_name(code, lang)
    found = KINDS.get(kind, {}).get(code or "")
    return found[_INDEX[_lang(lang)]] if found else (code or "")


@functools.cache
def _districts() -> dict[str, tuple[str, str, str]]:
    found = {d.code: (d.name_ru, d.name_kk, d.name_en) for r in regions().values() for d in r.districts}
    u = places.UNPLACED
    found[u.code] = (u.name_ru, u.name_kk, u.name_en)
    return found


def district_name(code: str | None, lang: str = DEFAULT) -> str:
    found = _districts().get(code or "")
    return found[_INDEX[_lang(lang)]] if found else (code or "")


def _template(kind: str, code: str, facts: Mapping[str, Any], lang: Language) -> str | None:
    table = SENTENCES.get(kind, {})
    if kind == "conflict" and code == "uncertain_match" and f"{code}:{facts.get('reason')}" in table:
        code = f"{code}:{facts.get('reason')}"
    found = table.get(code)
    return found[_INDEX[lang]] if found else None


def _short_date(value: object, fmt: str = "%d.%m.%Y") -> str:
    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime(fmt)
    except ValueError:
        return ""


def _value(facts: Mapping[str, Any], name: str, fmt: str, lang: Language) -> str:
    value = facts.get(name)
    if fmt == "listed_as":
        return ", ".join(word("listed_as", key, lang) for key in LISTED_AS if facts.get(key))
    if value is None or value == "":
        return ""
    if fmt == "date":
        return _short_date(value)
    if fmt == "month":
        return _short_date(value, "%m.%Y")
    if fmt == "int":
        return whole(float(value), lang)
    if fmt == "num3":
        text = f"{float(value):.3f}"
        return text if lang == "en" else text.replace(".", ",")
    if fmt == "quoted":
        return f"«{value}»"
    if fmt == "district":
        return district_name(str(value), lang)
    if fmt in WORD_FORMATS:
        return word(WORD_FORMATS[fmt], str(value), lang)
    if fmt in LIST_FORMATS:
        items = value if isinstance(value, list) else []
        return ", ".join(word(LIST_FORMATS[fmt], str(v), lang) for v in items) or "—"
    return str(value)


def _tidy(text: str) -> str:
    """A sentence whose optional fact was missing loses the space or brackets it left behind."""
    # plain spaces only: the non-breaking space inside a number (1 200) stays
    spaced = re.sub(r"[ \t\n\r\f]+", " ", text.replace(" ()", "")).strip()
    return re.sub(r" ([;.,])", r"\1", spaced)


def sentence(kind: str, code: str, facts: Mapping[str, Any] | str | None, lang: str = DEFAULT) -> str:
    """The sentence of a code filled with its facts (a mapping or a JSON object) in ``lang``; without a
    template, the code's word."""
    language = _lang(lang)
    if isinstance(facts, str):
        try:
            loaded = json.loads(facts)
        except ValueError:
            loaded = {}
        facts = loaded if isinstance(loaded, dict) else {}
    facts = facts or {}
    template = _template(kind, code, facts, language)
    if template is None:
        return word(kind, code, language)
    parts = []
    for literal, name, fmt, _conv in string.Formatter().parse(template):
        parts.append(literal)
        if name is not None:
            parts.append(_value(facts, name, fmt or "", language))
    return _tidy("".join(parts))


# ---- the same in SQL, for exports over whole tables ----------------------------------------------------


def _case(expr: str, words: Mapping[str, str], default: str) -> str:
    whens = " ".join(f"WHEN {quote_literal(k)} THEN {quote_literal(v)}" for k, v in words.items())
    return f"CASE {expr} {whens} ELSE {default} END" if whens else default


def word_sql(kind: str, expr: str, lang: str = DEFAULT, default: str | None = None) -> str:
    """SQL naming the code in ``expr`` in ``lang``; a code no table knows gives ``default`` (SQL; the code)."""
    language = _lang(lang)
    table = _districts() if kind == "district" else KINDS.get(kind, {})
    return _case(expr, {k: v[_INDEX[language]] for k, v in table.items()}, default or expr)


def _value_sql(facts: str, name: str, fmt: str, lang: Language) -> str:
    text = f"({facts}->>{quote_literal(name)})"
    if fmt == "listed_as":
        return (
            "concat_ws(', ', "
            + ", ".join(
                f"CASE WHEN ({facts}->>{quote_literal(k)}) = 'true' THEN {quote_literal(v[_INDEX[lang]])} END"
                for k, v in LISTED_AS.items()
            )
            + ")"
        )
    if fmt in ("date", "month"):
        pattern = "%d.%m.%Y" if fmt == "date" else "%m.%Y"
        return f"strftime(TRY_CAST(left({text}, 10) AS DATE), '{pattern}')"
    if fmt == "int":
        grouped = f"format('{{:,}}', TRY_CAST({text} AS BIGINT))"
        return grouped if lang == "en" else f"replace({grouped}, ',', chr(160))"
    if fmt == "num3":
        fixed = f"printf('%.3f', TRY_CAST({text} AS DOUBLE))"
        return fixed if lang == "en" else f"replace({fixed}, '.', ',')"
    if fmt == "quoted":
        return f"'«' || {text} || '»'"
    if fmt == "district":
        return word_sql("district", text, lang)
    if fmt in WORD_FORMATS:
        return word_sql(WORD_FORMATS[fmt], text, lang)
    if fmt in LIST_FORMATS:
        each = word_sql(LIST_FORMATS[fmt], "e", lang)
        joined = f"array_to_string(list_transform(TRY_CAST(({facts}->'{name}') AS VARCHAR[]), e -> {each}), ', ')"
        return f"coalesce(nullif({joined}, ''), '—')"
    return text


def sentence_sql(kind: str, code: str, facts: str, lang: str = DEFAULT) -> str:
    """SQL for ``sentence(kind, code, facts, lang)`` over columns: ``code`` and ``facts`` (JSON) are SQL
    expressions. Set-based: one expression for a whole table."""
    language = _lang(lang)
    whens = []
    for key, texts in SENTENCES.get(kind, {}).items():
        parts = []
        for literal, name, fmt, _conv in string.Formatter().parse(texts[_INDEX[language]]):
            if literal:
                parts.append(quote_literal(literal))
            if name is not None:
                parts.append(f"coalesce({_value_sql(facts, name, fmt or '', language)}, '')")
        condition = f"{code} = {quote_literal(key)}"
        if ":" in key:
            base, reason = key.split(":", 1)
            condition = f"{code} = {quote_literal(base)} AND ({facts}->>'reason') = {quote_literal(reason)}"
        whens.append((":" not in key, f"WHEN {condition} THEN {' || '.join(parts)}"))
    # the variants with a reason first: they are more particular than their type's own template
    ordered = [w for plain, w in sorted(whens, key=lambda x: x[0])]
    tidy = (
        "regexp_replace(regexp_replace(regexp_replace({x}, ' \\(\\)', '', 'g'), '\\s+', ' ', 'g'), "
        "' ([;.,])', '\\1', 'g')"
    )
    body = (
        f"CASE {' '.join(ordered)} ELSE {word_sql(kind, code, language)} END"
        if ordered
        else word_sql(kind, code, language)
    )
    return "trim(" + tidy.format(x=body) + ")"


def reject_sql(reason: str, lang: str = DEFAULT) -> str:
    """SQL saying a row's reject reason (``too_many_fields:5:3``, ``empty_row``, ...) in ``lang``."""
    figures = f"json_object('found', split_part({reason}, ':', 2), 'expected', split_part({reason}, ':', 3))"
    code = f"split_part({reason}, ':', 1)"
    said = sentence_sql("reject", code, figures, lang)
    # a reason no table knows stays as it was written (with its figures)
    known = ", ".join(quote_literal(k) for k in (*REJECT, *SENTENCES["reject"]))
    return f"CASE WHEN {code} IN ({known}) THEN {said} ELSE {reason} END"
