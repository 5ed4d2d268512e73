from diaodu.speech import parse


def _heads(text):
    return [(h.quote, h.depth) for h in parse(text).headings]


def test_nested_markers():
    text = "同志们：\n一、总体情况\n（一）工业\n一要抓项目。二要抓招商。\n（二）服务业\n二、下步工作\n"
    assert _heads(text) == [("一、总体情况", 1), ("（一）工业", 2), ("一要抓项目", 3), ("二要抓招商", 3),
                            ("（二）服务业", 2), ("二、下步工作", 1)]


def test_relative_depth_and_not_markers():
    text = "第一，要抓规划。一要调研。二要编制。\n第二，要抓企业。\n首先，其次，两个第一。"
    assert _heads(text) == [("第一，要抓规划", 1), ("一要调研", 2), ("二要编制", 2), ("第二，要抓企业", 1)]


def test_offsets_match_quotes():
    text = "\ufeff一、总体\n（一）工业增长8.8%。"
    ex = parse(text)
    t = text.lstrip("\ufeff")
    for h in ex.headings:
        assert t[h.start:h.end] == h.quote


def test_yao_and_shi_lists_nest():
    text = ("一、抓项目\n一要打牢根基。二要理顺秩序。主要是四个方面。一是理顺规划。二是理顺土地。"
            "三是理顺环境。四是理顺招标。三是要加强研判。\n二、抓招商\n")
    assert [d for _, d in _heads(text)] == [1, 2, 2, 3, 3, 3, 3, 2, 1]


def test_nested_inline_under_line_items_keeps_level():
    text = "一、总体\n一要抓规划。\n二要完善机制。一是扩大需求。二是补链。\n三要抓落实。一是增后劲。二是增动能。\n"
    assert [d for _, d in _heads(text)] == [1, 2, 2, 3, 3, 2, 3, 3]
