"""IMS Common Cartridge (1.0 to 1.3 read; 1.3, or 1.1 for Moodle, written) and QTI packages.

A package becomes an ``Imported``: its web content files, an outline (the cartridge's
organization: sections, pages, web links, assessments) and its scorable items. Nothing is
stored until the whole package has been read and checked.
"""

from __future__ import annotations

import posixpath
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from lxml import etree

from edubridge.catalog.packages import qti, qti12
from edubridge.catalog.packages.archive import PackageError, SafeZip
from edubridge.core.safexml import UnsafeXml, parse

CC_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imscc/imscp_v1p1": "1.0",
    "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1": "1.1",
    "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1": "1.2",
    "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1": "1.3",
}
QTI_CP = {
    "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1": "3.0",
    "http://www.imsglobal.org/xsd/imscp_v1p1": "2.x",
}
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_ITEMS = 5000


@dataclass
class Imported:
    format: str  # "Common Cartridge 1.3", "QTI 3.0 package", …
    title: str = ""
    description: str = ""
    language: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    outline: list[dict[str, Any]] = field(default_factory=list)
    items: list[qti.Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _xml(archive: SafeZip, path: str, referenced_by: str) -> etree._Element:
    try:
        return parse(archive.read(path, referenced_by=referenced_by), path)
    except UnsafeXml as exc:
        raise PackageError(str(exc)) from exc


def read_package(source: IO[bytes], name: str = "package") -> Imported:
    archive = SafeZip(source, name)
    if "imsmanifest.xml" not in archive:
        raise PackageError(f"{name}: no imsmanifest.xml at the top of the archive")
    manifest = _xml(archive, "imsmanifest.xml", "")
    namespace = etree.QName(manifest).namespace or ""
    if etree.QName(manifest).localname != "manifest" or not (
        namespace in CC_NAMESPACES or namespace in QTI_CP
    ):
        raise PackageError(
            f"imsmanifest.xml: {namespace or 'no namespace'} is neither Common Cartridge "
            "nor a QTI content package"
        )
    reader = _Reader(archive, manifest)
    if namespace in CC_NAMESPACES:
        return reader.cartridge(f"Common Cartridge {CC_NAMESPACES[namespace]}")
    return reader.qti_package(f"QTI {QTI_CP[namespace]} package")


class _Reader:
    def __init__(self, archive: SafeZip, manifest: etree._Element) -> None:
        self.archive, self.manifest = archive, manifest
        self.resources = {
            r.get("identifier", ""): r for r in manifest.iterfind("{*}resources/{*}resource")
        }
        self.item_ids: set[str] = set()

    def _first_file(self, resource: etree._Element) -> str:
        paths = self._files(resource)
        if not paths:
            raise PackageError(
                f"imsmanifest.xml: resource {resource.get('identifier')!r} has no file"
            )
        return paths[0]

    def _files(self, resource: etree._Element) -> list[str]:
        base = resource.get("{http://www.w3.org/XML/1998/namespace}base", "")
        paths = [
            posixpath.normpath(posixpath.join(base, f.get("href", "")))
            for f in resource.iterfind("{*}file")
        ]
        href = resource.get("href")
        if href and posixpath.normpath(posixpath.join(base, href)) not in paths:
            paths.insert(0, posixpath.normpath(posixpath.join(base, href)))
        for path in paths:
            if path.startswith(("../", "/")) or path == "..":
                raise PackageError(f"{path}: the path leaves the package (imsmanifest.xml)")
        return paths

    def _metadata(self, imported: Imported) -> None:
        general = self.manifest.find("{*}metadata/{*}lom/{*}general")
        if general is not None:
            imported.title = (
                " ".join("".join(general.find("{*}title").itertext()).split())
                if general.find("{*}title") is not None
                else ""
            )
            description = general.find("{*}description")
            imported.description = (
                " ".join("".join(description.itertext()).split()) if description is not None else ""
            )
            imported.language = (general.findtext("{*}language") or "").strip()

    def _add(self, imported: Imported, items: list[qti.Item]) -> list[str]:
        ids = []
        if len(imported.items) + len(items) > MAX_ITEMS:
            raise PackageError(f"imsmanifest.xml: more than {MAX_ITEMS} items")
        for item in items:
            base = (item.identifier or "item")[:180]
            identifier, n = base, 1
            while identifier in self.item_ids:
                n += 1
                identifier = f"{base}_{n}"
            item.identifier = identifier
            self.item_ids.add(identifier)
            imported.items.append(item)
            ids.append(identifier)
        return ids

    def _content(self, imported: Imported, resource: etree._Element) -> list[str]:
        paths = self._files(resource)
        for path in paths:
            imported.files[path] = self.archive.read(path, referenced_by="imsmanifest.xml")
        return paths

    def cartridge(self, label: str) -> Imported:
        imported = Imported(label)
        self._metadata(imported)
        used: set[str] = set()
        organization = self.manifest.find("{*}organizations/{*}organization")
        if organization is not None:
            for root in organization.iterfind("{*}item"):
                imported.outline += self._nodes(imported, root, used)
        for identifier, resource in self.resources.items():
            if identifier in used:
                continue
            kind = resource.get("type", "")
            if kind == "webcontent" or kind.startswith("associatedcontent/"):
                self._content(imported, resource)
            elif kind.endswith("/question-bank"):
                items = self._assessment(imported, resource)[1]
                imported.outline.append(
                    {"type": "assessment", "title": "Question bank", "items": items}
                )
        return imported

    def _nodes(
        self, imported: Imported, element: etree._Element, used: set[str]
    ) -> list[dict[str, Any]]:
        """The outline under one organization item (the root item itself has no title)."""
        nodes = []
        for child in element.iterfind("{*}item"):
            title = (child.findtext("{*}title") or "").strip()
            ref = child.get("identifierref")
            if not ref:
                nodes.append(
                    {
                        "type": "section",
                        "title": title,
                        "children": self._nodes(imported, child, used),
                    }
                )
                continue
            resource = self.resources.get(ref)
            if resource is None:
                raise PackageError(
                    f"imsmanifest.xml: item {child.get('identifier')} refers to no resource {ref!r}"
                )
            used.add(ref)
            kind = resource.get("type", "")
            if kind == "webcontent" or kind.startswith("associatedcontent/"):
                paths = self._content(imported, resource)
                for dependency in resource.iterfind("{*}dependency"):
                    if (
                        other := self.resources.get(dependency.get("identifierref", ""))
                    ) is not None:
                        used.add(dependency.get("identifierref", ""))
                        self._content(imported, other)
                if paths:
                    nodes.append({"type": "page", "title": title, "path": paths[0]})
            elif kind.startswith("imswl_xmlv"):
                path = self._first_file(resource)
                link = _xml(self.archive, path, "imsmanifest.xml")
                url = (
                    link.find("{*}url").get("href", "") if link.find("{*}url") is not None else ""
                ).strip()
                if not url.startswith(("http://", "https://")):
                    raise PackageError(f"{path}: the web link is not an http(s) URL")
                nodes.append(
                    {
                        "type": "link",
                        "title": title or (link.findtext("{*}title") or url),
                        "url": url,
                    }
                )
            elif "/assessment" in kind or kind.endswith("/question-bank"):
                assessment_title, items = self._assessment(imported, resource)
                nodes.append(
                    {"type": "assessment", "title": title or assessment_title, "items": items}
                )
            else:
                imported.warnings.append(f"{title or ref}: {kind} resources are not imported")
        return nodes

    def _assessment(self, imported: Imported, resource: etree._Element) -> tuple[str, list[str]]:
        paths = self._files(resource)
        if not paths:
            raise PackageError(
                f"imsmanifest.xml: assessment {resource.get('identifier')} has no file"
            )
        document = _xml(self.archive, paths[0], "imsmanifest.xml")
        namespace = etree.QName(document).namespace or "no namespace"
        if namespace != qti12.QTI12:
            raise PackageError(f"{paths[0]}: not a QTI 1.2 assessment ({namespace})")
        title, items, warnings = qti12.read_assessment(document, paths[0])
        imported.warnings += warnings
        return title, self._add(imported, items)

    def qti_package(self, label: str) -> Imported:
        imported = Imported(label)
        self._metadata(imported)
        by_path: dict[str, str] = {}
        for resource in self.resources.values():
            kind = resource.get("type", "")
            if kind.startswith("imsqti_item_xmlv"):
                path = self._first_file(resource)
                item = qti.read_item(_xml(self.archive, path, "imsmanifest.xml"), path)
                by_path[path] = self._add(imported, [item])[0]
            elif kind == "webcontent":
                self._content(imported, resource)
        for resource in self.resources.values():
            if resource.get("type", "").startswith("imsqti_test_xmlv"):
                path = self._first_file(resource)
                test = _xml(self.archive, path, "imsmanifest.xml")
                refs = [
                    posixpath.normpath(posixpath.join(posixpath.dirname(path), r.get("href", "")))
                    for r in test.iter()
                    if isinstance(r.tag, str)
                    and etree.QName(r).localname in ("assessmentItemRef", "qti-assessment-item-ref")
                ]
                missing = [r for r in refs if r not in by_path]
                if missing:
                    raise PackageError(
                        f"{missing[0]}: named in {path} but not an item of the manifest"
                    )
                imported.outline.append(
                    {
                        "type": "assessment",
                        "title": test.get("title", "") or "Test",
                        "items": [by_path[r] for r in refs],
                    }
                )
                imported.title = imported.title or test.get("title", "")
        if not imported.outline and imported.items:
            imported.outline.append(
                {
                    "type": "assessment",
                    "title": imported.title or "Items",
                    "items": [i.identifier for i in imported.items],
                }
            )
        return imported


# Writing.
Opener = Callable[[], IO[bytes]]


def _lom(
    parent: etree._Element, namespace: str, title: str, description: str, language: str
) -> None:
    general = etree.SubElement(
        etree.SubElement(parent, f"{{{namespace}}}lom"), f"{{{namespace}}}general"
    )
    etree.SubElement(
        etree.SubElement(general, f"{{{namespace}}}title"), f"{{{namespace}}}string"
    ).text = title
    if language:
        etree.SubElement(general, f"{{{namespace}}}language").text = language
    if description:
        holder = etree.SubElement(general, f"{{{namespace}}}description")
        etree.SubElement(holder, f"{{{namespace}}}string").text = description


def _default_outline(
    files: Iterable[str], items: list[qti.Item], title: str
) -> list[dict[str, Any]]:
    outline: list[dict[str, Any]] = [
        {"type": "page", "title": posixpath.basename(path), "path": path}
        for path in files
        if path.lower().endswith((".html", ".htm"))
    ]
    if items:
        outline.append(
            {"type": "assessment", "title": title, "items": [i.identifier for i in items]}
        )
    return outline


def write_cartridge(
    *,
    title: str,
    description: str,
    language: str,
    files: dict[str, Opener],
    outline: list[dict[str, Any]],
    items: list[qti.Item],
    cc_version: str = "1.3",
    target: IO[bytes],
) -> list[str]:
    """A ``.imscc``: 1.3 by default; 1.1 is what Moodle's importer reads."""
    warnings: list[str] = []
    if "imsmanifest.xml" in files:
        files = {k: v for k, v in files.items() if k != "imsmanifest.xml"}
        warnings.append("imsmanifest.xml: a file of the version with this name is left out")
    short = "v1p3" if cc_version == "1.3" else "v1p1"
    cp = f"http://www.imsglobal.org/xsd/imscc{short}/imscp_v1p1"
    lom_ns = f"http://ltsc.ieee.org/xsd/imscc{short}/LOM/manifest"
    profile = f"http://www.imsglobal.org/profile/cc/cc{short}"
    manifest = etree.Element(
        f"{{{cp}}}manifest",
        {
            "identifier": f"M_{uuid.uuid4().hex}",
            f"{{{XSI}}}schemaLocation": f"{cp} {profile}/cc{short}_imscp_v1p2_v1p0.xsd "
            f"{lom_ns} {profile}/LOM/cc{short}_lommanifest_v1p0.xsd",
        },
        nsmap={None: cp, "lomimscc": lom_ns, "xsi": XSI},
    )
    metadata = etree.SubElement(manifest, f"{{{cp}}}metadata")
    etree.SubElement(metadata, f"{{{cp}}}schema").text = "IMS Common Cartridge"
    etree.SubElement(metadata, f"{{{cp}}}schemaversion").text = f"{cc_version}.0"
    _lom(metadata, lom_ns, title, description, language)
    organization = etree.SubElement(
        etree.SubElement(manifest, f"{{{cp}}}organizations"),
        f"{{{cp}}}organization",
        identifier="O_1",
        structure="rooted-hierarchy",
    )
    root_item = etree.SubElement(organization, f"{{{cp}}}item", identifier="root")
    resources = etree.SubElement(manifest, f"{{{cp}}}resources")
    by_id = {item.identifier: item for item in items}
    page_ids = {path: f"R{n}" for n, path in enumerate(sorted(files), 1)}
    extra: dict[str, bytes] = {}
    counter = iter(range(1, 1_000_000))

    def item_element(
        parent: etree._Element, node_title: str, ref: str | None = None
    ) -> etree._Element:
        element = etree.SubElement(
            parent,
            f"{{{cp}}}item",
            identifier=f"I{next(counter)}",
            **({"identifierref": ref} if ref else {}),
        )
        etree.SubElement(element, f"{{{cp}}}title").text = node_title or "Untitled"
        return element

    taken = {path.split("/", 1)[0] for path in files}

    def fresh(prefix: str) -> str:
        """A folder name for a generated file that no file of the version uses."""
        while (ref := f"{prefix}{next(counter)}") in taken:
            pass
        return ref

    def place(parent: etree._Element, nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            kind = node["type"]
            if kind == "section":
                place(item_element(parent, node["title"]), node.get("children", []))
            elif kind == "page" and node["path"] in page_ids:
                item_element(parent, node["title"], page_ids[node["path"]])
            elif kind == "link":
                ref = fresh("L")
                link = etree.Element(
                    f"{{http://www.imsglobal.org/xsd/imscc{short}/imswl_{short}}}webLink",
                    nsmap={None: f"http://www.imsglobal.org/xsd/imscc{short}/imswl_{short}"},
                )
                etree.SubElement(link, f"{{{link.nsmap[None]}}}title").text = node["title"]
                etree.SubElement(
                    link, f"{{{link.nsmap[None]}}}url", href=node["url"], target="_blank"
                )
                extra[f"{ref}/weblink.xml"] = etree.tostring(
                    link, xml_declaration=True, encoding="UTF-8"
                )
                resource = etree.SubElement(
                    resources, f"{{{cp}}}resource", identifier=ref, type=f"imswl_xml{short}"
                )
                etree.SubElement(resource, f"{{{cp}}}file", href=f"{ref}/weblink.xml")
                item_element(parent, node["title"], ref)
            elif kind == "assessment":
                ref = fresh("A")
                chosen = [by_id[i] for i in node.get("items", []) if i in by_id]
                body, notes = qti12.write_assessment(ref, node["title"], chosen, cc_version)
                warnings.extend(notes)
                extra[f"{ref}/assessment.xml"] = body
                resource = etree.SubElement(
                    resources,
                    f"{{{cp}}}resource",
                    identifier=ref,
                    type=f"imsqti_xmlv1p2/imscc_xml{short}/assessment",
                )
                etree.SubElement(resource, f"{{{cp}}}file", href=f"{ref}/assessment.xml")
                item_element(parent, node["title"], ref)

    place(root_item, outline or _default_outline(files, items, title))
    for path, ref in page_ids.items():
        resource = etree.SubElement(
            resources, f"{{{cp}}}resource", identifier=ref, type="webcontent", href=path
        )
        etree.SubElement(resource, f"{{{cp}}}file", href=path)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "imsmanifest.xml",
            etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True),
        )
        for name, data in extra.items():
            archive.writestr(name, data)
        for path, opener in files.items():
            with opener() as content, archive.open(path, "w") as target:
                while chunk := content.read(1 << 20):
                    target.write(chunk)
    return warnings


def write_qti_package(title: str, items: list[qti.Item], target: IO[bytes]) -> None:
    """A QTI 3.0 content package: one file per item and a test that lists them all."""
    cp = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
    manifest = etree.Element(
        f"{{{cp}}}manifest",
        {
            "identifier": f"M_{uuid.uuid4().hex}",
            f"{{{XSI}}}schemaLocation": f"{cp} https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd",
        },
        nsmap={None: cp, "xsi": XSI},
    )
    metadata = etree.SubElement(manifest, f"{{{cp}}}metadata")
    etree.SubElement(metadata, f"{{{cp}}}schema").text = "QTI Package"
    etree.SubElement(metadata, f"{{{cp}}}schemaversion").text = "3.0.0"
    etree.SubElement(manifest, f"{{{cp}}}organizations")
    resources = etree.SubElement(manifest, f"{{{cp}}}resources")
    test = etree.Element(
        qti._q("qti-assessment-test"),
        {
            f"{{{XSI}}}schemaLocation": f"{qti.QTI3} {qti.QTI3_SCHEMA}",
            "identifier": "TEST",
            "title": title,
        },
        nsmap={None: qti.QTI3, "xsi": XSI},
    )
    part = etree.SubElement(
        test,
        qti._q("qti-test-part"),
        {"identifier": "part1", "navigation-mode": "nonlinear", "submission-mode": "individual"},
    )
    section = etree.SubElement(
        part, qti._q("qti-assessment-section"), identifier="section1", title=title, visible="true"
    )
    test_resource = etree.SubElement(
        resources,
        f"{{{cp}}}resource",
        identifier="TEST",
        type="imsqti_test_xmlv3p0",
        href="test.xml",
    )
    etree.SubElement(test_resource, f"{{{cp}}}file", href="test.xml")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, item in enumerate(items, 1):
            path = f"items/item{n}.xml"
            archive.writestr(path, qti.write_item(item))
            etree.SubElement(
                section, qti._q("qti-assessment-item-ref"), identifier=f"ref{n}", href=path
            )
            resource = etree.SubElement(
                resources,
                f"{{{cp}}}resource",
                identifier=f"ITEM{n}",
                type="imsqti_item_xmlv3p0",
                href=path,
            )
            etree.SubElement(resource, f"{{{cp}}}file", href=path)
            etree.SubElement(test_resource, f"{{{cp}}}dependency", identifierref=f"ITEM{n}")
        archive.writestr(
            "test.xml",
            etree.tostring(test, xml_declaration=True, encoding="UTF-8", pretty_print=True),
        )
        archive.writestr(
            "imsmanifest.xml",
            etree.tostring(manifest, xml_declaration=True, encoding="UTF-8", pretty_print=True),
        )
