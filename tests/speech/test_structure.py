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
