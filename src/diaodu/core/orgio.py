"""The org template: regions, units with aliases, people — to and from xlsx or csv.

xlsx: three sheets 地区 / 单位 / 人员. csv: one file whose first column 类别 says which (地区、单位、
人员), with the union of the columns. Import creates or updates by name, in one transaction:
on the first error nothing is written and the message names file, sheet, row and cell.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from diaodu.core import org
from diaodu.core.audit import Actor
from diaodu.core.errors import DiaoduError, ValidationFailed
from diaodu.core.models import REGION_KINDS, UNIT_KINDS
from diaodu.core.tabular import Row, read_sheets, write_csv, write_workbook

REGION_COLS = ["名称", "类型", "上级地区", "代码", "别名", "同级组", "排序"]
UNIT_COLS = ["名称", "类型", "所属地区", "上级单位", "别名", "联系人", "电话", "排序"]
PERSON_COLS = ["姓名", "职务", "单位", "地区", "电话", "是否领导", "排序"]
SHEETS = {"地区": REGION_COLS, "单位": UNIT_COLS, "人员": PERSON_COLS}
CSV_COLS = ["类别"] + list(dict.fromkeys(REGION_COLS + UNIT_COLS + PERSON_COLS))
SEP = "、"

README = """填写说明
地区：名称唯一；类型可填 市、县、区、县级市、乡镇、街道、园区、省；上级地区填已有或本表中的地区名称；别名、同级组用“、”分隔。
单位：名称唯一；类型可填 部门、政府、办公室、工作专班、企业、党委机构、其他；别名用“、”分隔（如 市发改委、发改委）。
人员：单位、地区填名称或别名；是否领导填 是/否。
导入时按名称新增或更新；任何一行出错则整个文件都不写入，错误信息会指出工作表、行号和单元格。"""


def _label_to_code(labels: dict[str, str], value: str) -> str | None:
    if value in labels:
        return value
    for code, label in labels.items():
        if label == value:
            return code
    return None


def write_template(path: Path) -> Path:
    path = Path(path)
    example_regions = [["示范市", "市", "", "439900", "全市", "", 0], ["甲县", "县", "示范市", "439901", "甲", "全市县市区、山区县", 1]]
    example_units = [["市人民政府", "政府", "示范市", "", "市政府", "", "", 0],
                     ["市发展和改革委员会", "部门", "示范市", "", "市发改委、发改委", "张三", "0739-5550000", 1],
                     ["甲县人民政府", "政府", "甲县", "", "甲县政府", "", "", 2]]
    example_people = [["李四", "副市长", "市人民政府", "示范市", "", "是", 1]]
    if path.suffix.lower() == ".csv":
        return write_csv(path, CSV_COLS, _csv_rows([("地区", REGION_COLS, example_regions),
                                                    ("单位", UNIT_COLS, example_units),
                                                    ("人员", PERSON_COLS, example_people)]))
    return write_workbook(path, {"地区": (REGION_COLS, example_regions), "单位": (UNIT_COLS, example_units),
                                 "人员": (PERSON_COLS, example_people)}, notes={"说明": README})


def _csv_rows(parts) -> list[list]:
    rows = []
    for kind, cols, data in parts:
        for r in data:
            d = dict(zip(cols, r))
            rows.append([kind] + [d.get(c, "") for c in CSV_COLS[1:]])
    return rows


def export(session: Session, path: Path) -> Path:
    path = Path(path)
    regions = org.list_regions(session)
    by_id = {r.id: r for r in regions}
    region_rows = [[r.name, r.kind_label, by_id[r.parent_id].name if r.parent_id else "", r.code or "",
                    SEP.join(a.alias for a in r.aliases), SEP.join(g.name for g in r.groups), r.sort] for r in regions]
    units = org.list_units(session)
    units_by_id = {u.id: u for u in units}
    unit_rows = [[u.name, UNIT_KINDS.get(u.kind, u.kind), by_id[u.region_id].name if u.region_id else "",
                  units_by_id[u.parent_id].name if u.parent_id else "", SEP.join(a.alias for a in u.aliases),
                  u.contact or "", u.phone or "", u.sort] for u in units]
    people = org.list_people(session, Actor.system())
    person_rows = [[p.name, p.title or "", units_by_id[p.unit_id].name if p.unit_id else "",
                    by_id[p.region_id].name if p.region_id else "", p.phone or "", "是" if p.is_leader else "否",
                    p.sort] for p in people]
    if path.suffix.lower() == ".csv":
        return write_csv(path, CSV_COLS, _csv_rows([("地区", REGION_COLS, region_rows), ("单位", UNIT_COLS, unit_rows),
                                                    ("人员", PERSON_COLS, person_rows)]))
    return write_workbook(path, {"地区": (REGION_COLS, region_rows), "单位": (UNIT_COLS, unit_rows),
                                 "人员": (PERSON_COLS, person_rows)})


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", SEP).replace("，", SEP).replace(";", SEP).split(SEP) if p.strip()]


def _int(row: Row, header: str) -> int:
    value = row.number_or_none(header)
    return int(value) if value is not None else 0


def import_file(session: Session, actor: Actor, path: Path) -> dict[str, int]:
    """Import into the session's transaction; raises on the first error (the caller rolls back)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        rows = next(iter(read_sheets(path).values()), [])
        parts = {"地区": [], "单位": [], "人员": []}
        for row in rows:
            kind = row.text("类别")
            if kind not in parts:
                raise row.error("类别", f"“{kind}”无效，应为 地区、单位 或 人员")
            parts[kind].append(row)
    else:
        sheets = read_sheets(path, wanted=list(SHEETS))
        if not sheets:
            raise ValidationFailed(f"文件 {path.name} 中没有“地区”“单位”“人员”工作表，请用 diaodu org template 生成模板")
        parts = {name: sheets.get(name, []) for name in SHEETS}
    counts = {"地区": 0, "单位": 0, "人员": 0}
    _import_regions(session, actor, parts["地区"], counts)
    _import_units(session, actor, parts["单位"], counts)
    _import_people(session, actor, parts["人员"], counts)
    return counts


def _import_regions(session: Session, actor: Actor, rows: list[Row], counts: dict) -> None:
    # Two passes so that a region may name a parent listed further down.
    created = {}
    for row in rows:
        name = row.required("名称")
        kind = _label_to_code(REGION_KINDS, row.text("类型") or "县")
        if kind is None:
            raise row.error("类型", f"“{row.text('类型')}”无效，可选：{'、'.join(REGION_KINDS.values())}")
        region = org.resolve_region(session, name)
        fields = dict(kind=kind, code=row.text("代码") or None, sort=_int(row, "排序"), aliases=_split(row.text("别名")))
        try:
            if region is None:
                region = org.create_region(session, actor, name=name, **fields)
            else:
                org.update_region(session, actor, region.id, **fields)
        except DiaoduError as exc:
            raise row.error(None, exc.message) from exc
        created[name] = (region, row)
        counts["地区"] += 1
    groups: dict[str, list[int]] = {}
    for name, (region, row) in created.items():
        parent_name = row.text("上级地区")
        if parent_name:
            parent = org.resolve_region(session, parent_name)
            if parent is None:
                raise row.error("上级地区", f"找不到上级地区“{parent_name}”")
            try:
                org.update_region(session, actor, region.id, parent_id=parent.id)
            except DiaoduError as exc:
                raise row.error("上级地区", exc.message) from exc
        for group in _split(row.text("同级组")):
            groups.setdefault(group, []).append(region.id)
    for group, ids in groups.items():
        org.set_peer_group(session, actor, group, ids)


def _import_units(session: Session, actor: Actor, rows: list[Row], counts: dict) -> None:
    pending_parents = []
    for row in rows:
        name = row.required("名称")
        kind = _label_to_code(UNIT_KINDS, row.text("类型") or "部门")
        if kind is None:
            raise row.error("类型", f"“{row.text('类型')}”无效，可选：{'、'.join(UNIT_KINDS.values())}")
        region_id = None
        if row.text("所属地区"):
            region = org.resolve_region(session, row.text("所属地区"))
            if region is None:
                raise row.error("所属地区", f"找不到地区“{row.text('所属地区')}”")
            region_id = region.id
        fields = dict(kind=kind, region_id=region_id, aliases=_split(row.text("别名")),
                      contact=row.text("联系人") or None, phone=row.text("电话") or None, sort=_int(row, "排序"))
        unit = org.resolve_unit(session, name)
        try:
            if unit is None:
                unit = org.create_unit(session, actor, name=name, **fields)
            else:
                org.update_unit(session, actor, unit.id, **fields)
        except DiaoduError as exc:
            raise row.error(None, exc.message) from exc
        if row.text("上级单位"):
            pending_parents.append((unit, row))
        counts["单位"] += 1
    for unit, row in pending_parents:
        parent = org.resolve_unit(session, row.text("上级单位"))
        if parent is None:
            raise row.error("上级单位", f"找不到单位“{row.text('上级单位')}”")
        org.update_unit(session, actor, unit.id, parent_id=parent.id)


def _import_people(session: Session, actor: Actor, rows: list[Row], counts: dict) -> None:
    existing = {(p.name, p.unit_id): p for p in org.list_people(session, actor)}
    for row in rows:
        name = row.required("姓名")
        unit_id = region_id = None
        if row.text("单位"):
            unit = org.resolve_unit(session, row.text("单位"))
            if unit is None:
                raise row.error("单位", f"找不到单位“{row.text('单位')}”（可先在“单位”表中登记或添加别名）")
            unit_id = unit.id
        if row.text("地区"):
            region = org.resolve_region(session, row.text("地区"))
            if region is None:
                raise row.error("地区", f"找不到地区“{row.text('地区')}”")
            region_id = region.id
        flag = row.text("是否领导")
        if flag not in ("", "是", "否"):
            raise row.error("是否领导", f"应填“是”或“否”，而不是“{flag}”")
        fields = dict(title=row.text("职务") or None, region_id=region_id, phone=row.text("电话") or None,
                      is_leader=flag == "是", sort=_int(row, "排序"))
        person = existing.get((name, unit_id))
        if person is None:
            person = org.create_person(session, actor, name=name, unit_id=unit_id, **fields)
            existing[(name, unit_id)] = person
        else:
            org.update_person(session, actor, person.id, **fields)
        counts["人员"] += 1
