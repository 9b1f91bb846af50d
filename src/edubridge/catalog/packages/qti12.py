"""QTI 1.2 assessments as Common Cartridge carries them, the way Moodle and Canvas write them.

Read: the ``cc.multiple_choice``, ``cc.true_false``, ``cc.multiple_response`` and ``cc.fib``
profiles (by ``cc_profile``, or Canvas's ``question_type``); other items are skipped with
a warning. Written: the same profiles, with ``case`` on every ``varequal`` as Moodle needs.
"""

from __future__ import annotations

from lxml import etree

from edubridge.catalog.packages.qti import Choice, Item, _float, clean_html

QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
PROFILES = {
    "cc.multiple_choice.v0p1": "choice",
    "cc.true_false.v0p1": "choice",
    "cc.multiple_response.v0p1": "multiple_response",
    "cc.fib.v0p1": "text_entry",
    "multiple_choice_question": "choice",
    "true_false_question": "choice",
    "multiple_answers_question": "multiple_response",
    "short_answer_question": "text_entry",
}


def _all(element: etree._Element, path: str) -> list[etree._Element]:
    return [e for e in element.iterfind(path) if isinstance(e.tag, str)]


def _field(item: etree._Element, label: str) -> str:
    for field in item.iterfind(".//{*}qtimetadatafield"):
        if (field.findtext("{*}fieldlabel") or "").strip() == label:
            return (field.findtext("{*}fieldentry") or "").strip()
    return ""


def _mattext(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return clean_html("".join(t.text or "" for t in element.iterfind(".//{*}mattext")))


def read_assessment(root: etree._Element, where: str) -> tuple[str, list[Item], list[str]]:
    """(title, items, warnings) of a ``questestinterop`` document."""
    assessment = root.find("{*}assessment")
    title = assessment.get("title", "") if assessment is not None else ""
    items, warnings = [], []
    for element in root.iterfind(".//{*}item"):
        ident = element.get("ident", "")
        profile = _field(element, "cc_profile") or _field(element, "question_type")
        kind = PROFILES.get(profile)
        if kind is None:
            warnings.append(f"{where}: item {ident} ({profile or 'no profile'}) skipped")
            continue
        presentation = element.find("{*}presentation")
        prompt = _mattext(presentation.find("{*}material") if presentation is not None else None)
        prompt = prompt or _mattext(
            presentation.find("{*}flow") if presentation is not None else None
        )
        choices = [
            Choice(label.get("ident", ""), _mattext(label))
            for label in element.iterfind(".//{*}render_choice/{*}response_label")
        ]
        correct: list[str] = []
        case_sensitive = False
        for condition in element.iterfind(".//{*}respcondition"):
            points = [
                _float(s.text or "0", where)
                for s in condition.iterfind("{*}setvar")
                if (s.text or "").strip()
            ]
            if not points or max(points) <= 0:
                continue
            for equal in condition.iterfind(".//{*}conditionvar//{*}varequal"):
                if etree.QName(equal.getparent()).localname == "not":
                    continue
                correct.append((equal.text or "").strip())
                case_sensitive = case_sensitive or equal.get("case", "No") == "Yes"
            break
        if not correct:
            warnings.append(f"{where}: item {ident} has no correct answer; skipped")
            continue
        item = Item(
            identifier=ident,
            title=element.get("title", "") or ident,
            interaction=kind,
            prompt=prompt,
            choices=choices,
            correct=correct[:1] if kind == "choice" else correct,
            max_choices=0 if kind == "multiple_response" else 1,
        )
        if kind == "text_entry":
            # Several accepted answers: each earns the full score.
            item.scoring = "map_response"
            item.mapping = dict.fromkeys(correct, 1.0)
            item.upper_bound = 1.0
            item.case_sensitive = case_sensitive
            item.correct = correct[:1]
        items.append(item)
    return title, items, warnings


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{QTI12}}}{tag}", attrib)
    if text is not None:
        element.text = text
    return element


def _metadata(parent: etree._Element, fields: dict[str, str]) -> None:
    holder = _sub(parent, "qtimetadata")
    for label, entry in fields.items():
        field = _sub(holder, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _material(parent: etree._Element, html: str) -> None:
    _sub(_sub(parent, "material"), "mattext", html, texttype="text/html")


def write_assessment(
    identifier: str, title: str, items: list[Item], cc_version: str
) -> tuple[bytes, list[str]]:
    """A ``questestinterop`` of the items CC's QTI profile can carry; warnings name the rest."""
    profile = "ccv1p3" if cc_version == "1.3" else "ccv1p1"
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = etree.Element(
        f"{{{QTI12}}}questestinterop",
        {
            f"{{{xsi}}}schemaLocation": f"{QTI12} http://www.imsglobal.org/profile/cc/{profile}/{profile}_qtiasiv1p2p1_v1p0.xsd"
        },
        nsmap={None: QTI12, "xsi": xsi},
    )
    assessment = _sub(root, "assessment", ident=identifier, title=title)
    _metadata(
        assessment,
        {
            "cc_profile": "cc.exam.v0p1",
            "qmd_assessmenttype": "Examination",
            "qmd_scoretype": "Percentage",
            "cc_maxattempts": "unlimited",
        },
    )
    section = _sub(assessment, "section", ident="root_section")
    warnings = []
    for item in items:
        if item.interaction == "order":
            warnings.append(
                f"{item.identifier}: order items have no Common Cartridge profile; "
                "export as QTI 3.0 to keep them"
            )
            continue
        element = _sub(section, "item", ident=item.identifier, title=item.title[:250])
        cc_profile = {
            "choice": "cc.multiple_choice.v0p1",
            "multiple_response": "cc.multiple_response.v0p1",
            "text_entry": "cc.fib.v0p1",
        }[item.interaction]
        _metadata(_sub(element, "itemmetadata"), {"cc_profile": cc_profile})
        presentation = _sub(element, "presentation")
        _material(presentation, item.prompt)
        if item.interaction == "text_entry":
            fib = _sub(
                _sub(presentation, "response_str", ident="response1", rcardinality="Single"),
                "render_fib",
                rows="1",
            )
            _sub(fib, "response_label", ident="answer1", rshuffle="No")
        else:
            cardinality = "Multiple" if item.interaction == "multiple_response" else "Single"
            render = _sub(
                _sub(presentation, "response_lid", ident="response1", rcardinality=cardinality),
                "render_choice",
                shuffle="No",
            )
            for choice in item.choices:
                _material(_sub(render, "response_label", ident=choice.id), choice.text)
        processing = _sub(element, "resprocessing")
        _sub(
            _sub(processing, "outcomes"),
            "decvar",
            varname="SCORE",
            vartype="Decimal",
            minvalue="0",
            maxvalue="100",
        )
        condition = _sub(processing, "respcondition", title="Correct", **{"continue": "No"})
        variables = _sub(condition, "conditionvar")
        case = "Yes" if item.case_sensitive or item.base_type == "identifier" else "No"
        if item.interaction == "multiple_response":
            both = _sub(variables, "and")
            for choice in item.choices:
                parent = both if choice.id in item.correct else _sub(both, "not")
                _sub(parent, "varequal", choice.id, respident="response1", case="Yes")
        else:
            answers = (
                [k for k, v in item.mapping.items() if v > 0] if item.mapping else item.correct
            )
            for answer in answers:
                _sub(variables, "varequal", answer, respident="response1", case=case)
        _sub(condition, "setvar", "100", action="Set", varname="SCORE")
        other = _sub(processing, "respcondition", **{"continue": "No"})
        _sub(_sub(other, "conditionvar"), "other")
        _sub(other, "setvar", "0", action="Set", varname="SCORE")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True), warnings
