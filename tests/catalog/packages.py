"""Small packages written here, as Moodle, Canvas and QTI 3.0 tools write them."""

import io
import zipfile

CC11 = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
QTI12 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI3 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"

MANIFEST_CC11 = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="{CC11}" xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/manifest"
 identifier="M_1">
 <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion>
  <lomimscc:lom><lomimscc:general>
   <lomimscc:title><lomimscc:string>Machine learning basics</lomimscc:string></lomimscc:title>
   <lomimscc:language>fr</lomimscc:language>
  </lomimscc:general></lomimscc:lom></metadata>
 <organizations><organization identifier="O_1" structure="rooted-hierarchy">
  <item identifier="root">
   <item identifier="S1"><title>Week 1</title>
    <item identifier="I1" identifierref="R_page"><title>Intro</title></item>
    <item identifier="I2" identifierref="R_link"><title>UNESCO framework</title></item>
    <item identifier="I3" identifierref="R_quiz"><title>Quiz 1</title></item>
   </item>
  </item></organization></organizations>
 <resources>
  <resource identifier="R_page" type="webcontent" href="pages/intro.html">
   <file href="pages/intro.html"/><dependency identifierref="R_img"/></resource>
  <resource identifier="R_img" type="webcontent" href="web_resources/fig.svg">
   <file href="web_resources/fig.svg"/></resource>
  <resource identifier="R_link" type="imswl_xmlv1p1"><file href="i_link/weblink.xml"/></resource>
  <resource identifier="R_quiz" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment">
   <file href="i_quiz/assesment.xml"/></resource>
 </resources>
</manifest>"""

WEBLINK = """<?xml version="1.0"?>
<webLink xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"><title>UNESCO</title>
<url href="https://www.unesco.org/en/digital-education/ai-future-learning"/></webLink>"""


def _item(ident, profile, presentation, conditions):
    return f"""<item ident="{ident}" title="{ident}">
 <itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>cc_profile</fieldlabel>
 <fieldentry>{profile}</fieldentry></qtimetadatafield></qtimetadata></itemmetadata>
 <presentation>{presentation}</presentation>
 <resprocessing><outcomes><decvar varname="SCORE" vartype="Decimal"/></outcomes>
 <respcondition continue="No"><conditionvar>{conditions}</conditionvar>
 <setvar action="Set" varname="SCORE">100</setvar></respcondition></resprocessing></item>"""


def _choices(cardinality, labels):
    options = "".join(
        f'<response_label ident="{i}"><material><mattext texttype="text/html">{t}</mattext>'
        "</material></response_label>"
        for i, t in labels
    )
    return (
        f'<response_lid ident="response1" rcardinality="{cardinality}">'
        f"<render_choice>{options}</render_choice></response_lid>"
    )


MC = _item(
    "mc",
    "cc.multiple_choice.v0p1",
    '<material><mattext texttype="text/html">&lt;p&gt;Qu&apos;est-ce qu&apos;un modèle ?&lt;/p&gt;'
    "</mattext></material>"
    + _choices("Single", [("A1", "Une fonction apprise"), ("A2", "Un tableau")]),
    '<varequal respident="response1">A1</varequal>',
)
MR = _item(
    "mr",
    "cc.multiple_response.v0p1",
    '<material><mattext texttype="text/html">Supervised tasks?</mattext></material>'
    + _choices("Multiple", [("B1", "Classification"), ("B2", "Regression"), ("B3", "Clustering")]),
    '<and><varequal respident="response1" case="Yes">B1</varequal>'
    '<varequal respident="response1" case="Yes">B2</varequal>'
    '<not><varequal respident="response1" case="Yes">B3</varequal></not></and>',
)
FIB = _item(
    "fib",
    "cc.fib.v0p1",
    '<material><mattext texttype="text/html">Learning from labelled data is called'
    '</mattext></material><response_str ident="response1" rcardinality="Single">'
    '<render_fib><response_label ident="answer1"/></render_fib></response_str>',
    '<varequal respident="response1" case="No">supervised</varequal>'
    '<varequal respident="response1" case="No">supervised learning</varequal>',
)
ESSAY = _item(
    "essay", "cc.essay.v0p1", "<material><mattext>Discuss</mattext></material>", "<other/>"
)
QUIZ = (
    f'<?xml version="1.0" encoding="UTF-8"?><questestinterop xmlns="{QTI12}">'
    '<assessment ident="QDB_1" title="Quiz 1"><section ident="root_section">'
    + MC
    + MR
    + FIB
    + ESSAY
    + "</section></assessment></questestinterop>"
)


def zip_of(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def moodle_cartridge(**replace: bytes | str | None) -> bytes:
    entries = {
        "imsmanifest.xml": MANIFEST_CC11,
        "pages/intro.html": "<h1>Bonjour</h1><img src='../web_resources/fig.svg'>",
        "web_resources/fig.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "i_link/weblink.xml": WEBLINK,
        "i_quiz/assesment.xml": QUIZ,
    }
    entries.update(replace)
    return zip_of({k: v for k, v in entries.items() if v is not None})


ORDER_ITEM = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{QTI3}" identifier="order" title="Pipeline" adaptive="false"
 time-dependent="false">
 <qti-response-declaration identifier="RESPONSE" cardinality="ordered" base-type="identifier">
  <qti-correct-response><qti-value>Collect</qti-value><qti-value>Train</qti-value>
  <qti-value>Evaluate</qti-value></qti-correct-response></qti-response-declaration>
 <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
 <qti-item-body><qti-order-interaction response-identifier="RESPONSE">
  <qti-prompt>Put the steps in order.</qti-prompt>
  <qti-simple-choice identifier="Train">Train</qti-simple-choice>
  <qti-simple-choice identifier="Evaluate">Evaluate</qti-simple-choice>
  <qti-simple-choice identifier="Collect">Collect <b>data</b></qti-simple-choice>
 </qti-order-interaction></qti-item-body>
 <qti-response-processing
  template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>
</qti-assessment-item>"""

TEXT_ITEM_21 = """<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="city"
 title="Capital" adaptive="false" timeDependent="false">
 <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">
  <correctResponse><value>Nairobi</value></correctResponse>
  <mapping defaultValue="0"><mapEntry mapKey="Nairobi" mappedValue="1"/>
  <mapEntry mapKey="nairobi" mappedValue="0.5"/></mapping></responseDeclaration>
 <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
 <itemBody><p>The capital of Kenya is <textEntryInteraction responseIdentifier="RESPONSE"/></p>
 </itemBody>
 <responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response"/>
</assessmentItem>"""

MANIFEST_QTI3 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1" identifier="M">
 <organizations/><resources>
  <resource identifier="T" type="imsqti_test_xmlv3p0" href="test.xml"><file href="test.xml"/>
  </resource>
  <resource identifier="order" type="imsqti_item_xmlv3p0" href="items/order.xml">
   <file href="items/order.xml"/></resource>
  <resource identifier="city" type="imsqti_item_xmlv2p1" href="items/city.xml">
   <file href="items/city.xml"/></resource>
 </resources></manifest>"""

TEST = f"""<qti-assessment-test xmlns="{QTI3}" identifier="T" title="AI steps">
 <qti-test-part identifier="p" navigation-mode="linear" submission-mode="individual">
 <qti-assessment-section identifier="s" title="s" visible="true">
 <qti-assessment-item-ref identifier="r1" href="items/city.xml"/>
 <qti-assessment-item-ref identifier="r2" href="items/order.xml"/>
 </qti-assessment-section></qti-test-part></qti-assessment-test>"""


def qti_package(**replace: bytes | str | None) -> bytes:
    entries = {
        "imsmanifest.xml": MANIFEST_QTI3,
        "test.xml": TEST,
        "items/order.xml": ORDER_ITEM,
        "items/city.xml": TEXT_ITEM_21,
    }
    entries.update(replace)
    return zip_of({k: v for k, v in entries.items() if v is not None})
