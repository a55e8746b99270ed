"""``node()`` and ``Node``: construction, validation, identity and running."""

from __future__ import annotations

import re
import warnings
from functools import partial

import pytest

from kedro_ipy.pipeline import Node, node


def identity(x):
    return x


def add(a, b):
    return a + b


def kw_only(a, b, *, c):
    return a + b + c


def two(x):
    return x, x * 2


class TestConstruction:
    def test_names_as_string_list_dict_and_none(self):
        assert node(identity, "a", "b").inputs == ["a"]
        assert node(add, ["a", "b"], ["c"]).inputs == ["a", "b"]
        assert node(add, {"b": "y", "a": "x"}, {"k": "out"}).outputs == ["out"]
        assert node(lambda: 1, None, "x").inputs == []
        assert node(identity, "a", None).outputs == []

    def test_dict_inputs_are_listed_in_signature_order(self):
        n = node(kw_only, {"c": "z", "b": "y", "a": "x"}, "out")
        assert n.inputs == ["x", "y", "z"]

    def test_tags_confirms_namespace(self):
        n = node(identity, "a", "b", name="n", tags=["t1", "t2"], confirms="a", namespace="ns")
        assert n.tags == {"t1", "t2"}
        assert n.confirms == ["a"]
        assert n.namespace == "ns"
        assert n.name == "ns.n"
        assert n.short_name == "n"
        assert node(identity, "a", "b", tags="one").tags == {"one"}

    def test_tags_property_is_a_copy(self):
        n = node(identity, "a", "b", tags=["t"])
        n.tags.add("other")
        assert n.tags == {"t"}

    def test_namespace_prefixes(self):
        assert node(identity, "a", "b", namespace="a.b.c").namespace_prefixes == [
            "a",
            "a.b",
            "a.b.c",
        ]

    def test_tag_returns_a_new_node_with_more_tags(self):
        n = node(identity, "a", "b", tags="x")
        tagged = n.tag(["y"])
        assert tagged.tags == {"x", "y"}
        assert n.tags == {"x"}
        assert tagged == n  # tags are not part of identity, as in Kedro


class TestDefaultNames:
    def test_default_name_is_function_and_hash_like_kedro(self):
        # the hash covers module, function and dataset names; the value matches Kedro 1.7
        assert re.fullmatch(r"identity__[0-9a-f]{8}", node(identity, "a", "b").name)
        assert node(identity, "a", "b").name == node(identity, "a", "b").name
        assert node(identity, "a", "b").name != node(identity, "a", "c").name

    def test_default_name_matches_kedro_for_a_known_case(self):
        def f(*args):
            return args

        f.__module__ = "__main__"
        assert node(f, ["a", "b"], {"x": "c"}).name == "f__11ef6db7"

    def test_namespaced_default_name(self):
        assert node(identity, "a", "b", namespace="ns").name.startswith("ns.identity__")

    def test_partial_functions_get_a_readable_name(self):
        n = node(partial(add, b=1), "a", "out")
        assert n.name.startswith("partial(add)__")

    def test_short_name_without_explicit_name(self):
        assert node(kw_only, {"a": "a", "b": "b", "c": "c"}, "o").short_name == "Kw Only"


class TestValidation:
    def test_func_must_be_callable(self):
        msg = (
            "Invalid Node definition: first argument must be a function, not 'int'.\n"
            "Format should be: node(function, inputs, outputs)"
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(1, "a", "b")

    def test_inputs_bad_type(self):
        with pytest.raises(ValueError, match=re.escape("not 'tuple'")):
            node(identity, ("a",), "b")

    def test_input_name_must_be_string(self):
        with pytest.raises(ValueError, match="must be of 'String' type, but 1 from"):
            node(identity, [1], "b")

    def test_needs_inputs_or_outputs(self):
        with pytest.raises(ValueError, match=re.escape("it must have some 'inputs' or 'outputs'.")):
            node(lambda: None, None, None)

    def test_signature_mismatch(self):
        msg = "Inputs of 'identity' function expected ['x'], but got ['a', 'b']"
        with pytest.raises(TypeError, match=re.escape(msg)):
            node(identity, ["a", "b"], "c")
        with pytest.raises(TypeError, match="Inputs of 'identity' function expected"):
            node(identity, {"y": "a"}, "c")

    def test_signature_check_is_cached_but_still_applies(self):
        node(add, ["a", "b"], "c")
        with pytest.raises(TypeError):
            node(add, ["a"], "c")
        node(add, ["d", "e"], "f")

    def test_duplicate_outputs(self):
        msg = "Failed to create node two([x]) -> [b;b] due to duplicate output(s) {'b'}."
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(two, "x", ["b", "b"])

    def test_output_also_input_even_transcoded(self):
        msg = "A node cannot have the same inputs and outputs even if they are transcoded: {'a'}"
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(identity, "a@pandas", "a@spark")
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(identity, "a", "a")

    @pytest.mark.parametrize("bad", ["has space", "semi;colon", ""])
    def test_invalid_node_name(self, bad):
        with pytest.raises(ValueError, match="is not a valid node name"):
            node(identity, "a", "b", name=bad or "bad/name")

    def test_invalid_tag(self):
        msg = "'bad tag' is not a valid node tag."
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(identity, "a", "b", tags=["ok", "bad tag"])

    def test_two_transcoding_separators(self):
        msg = "Expected maximum 1 transcoding separator, found 2 instead: 'a@b@c'."
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(identity, "a@b@c", "d")

    def test_dotted_dataset_name_warns_once(self, monkeypatch):
        # the flag lives on Node under Kedro's attribute name, which Kedro's tests reset
        monkeypatch.delattr(Node, "__dotted_dataset_name_warned__", raising=False)
        with pytest.warns(UserWarning, match="contain '.' characters") as record:
            node(identity, "a.b", "c")
            node(identity, "x.y", "z")
        assert len(record) == 1
        assert "First dotted name found: 'a.b'" in str(record[0].message)
        # a dotted name under a matching namespace, and parameters, are expected
        monkeypatch.delattr(Node, "__dotted_dataset_name_warned__")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            node(identity, "params:x.y", "d")
            node(identity, "ns.a", "ns.b", namespace="ns")


class TestIdentity:
    def test_equal_when_name_inputs_outputs_equal(self):
        a = node(identity, "a", "b", name="n")
        b = node(lambda x: x, "a", "b", name="n")
        assert a == b
        assert hash(a) == hash(b)
        assert a != node(identity, "a", "c", name="n")
        assert a != "n"

    def test_dict_order_does_not_matter(self):
        a = node(add, {"a": "x", "b": "y"}, "out", name="n")
        b = node(add, {"b": "y", "a": "x"}, "out", name="n")
        assert a == b

    def test_ordering_by_name(self):
        assert node(identity, "a", "b", name="a") < node(identity, "a", "b", name="b")

    def test_str_and_repr(self):
        n = node(add, ["a", "b"], "c", name="adder")
        assert str(n) == "adder: add([a;b]) -> [c]"
        assert repr(n) == "Node(add, ['a', 'b'], 'c', 'adder')"
        assert str(node(lambda: 1, None, "x")) == "<lambda>(None) -> [x]"

    def test_func_setter_keeps_name(self):
        n = node(identity, "a", "b")
        name = n.name
        n.func = lambda x: x + 1
        assert n.name == name
        assert n.run({"a": 1}) == {"b": 2}


class TestRun:
    def test_single_list_and_dict_inputs(self):
        assert node(identity, "a", "b").run({"a": 1}) == {"b": 1}
        assert node(add, ["a", "b"], "c").run({"a": 1, "b": 2}) == {"c": 3}
        assert node(kw_only, {"a": "x", "b": "y", "c": "z"}, "o").run({"x": 1, "y": 2, "z": 3}) == {
            "o": 6
        }
        assert node(add, ["a", "b"], "c")(a=1, b=2) == {"c": 3}

    def test_list_and_dict_outputs(self):
        assert node(two, "x", ["a", "b"]).run({"x": 2}) == {"a": 2, "b": 4}
        n = node(lambda x: {"p": x, "q": 2 * x}, "x", {"p": "P", "q": "Q"})
        assert n.run({"x": 3}) == {"P": 3, "Q": 6}

    def test_no_outputs_drops_value_with_warning(self):
        msg = (
            "Node 'keep' returned a value of type 'int', but the node is defined with "
            "outputs=None."
        )
        with pytest.warns(UserWarning, match=re.escape(msg)):
            assert node(identity, "a", None, name="keep").run({"a": 1}) == {}

    def test_no_outputs_returning_none_is_silent(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert node(lambda a: None, "a", None).run({"a": 1}) == {}

    @pytest.mark.parametrize(
        "outputs, msg",
        [
            ([], "The node definition contains a list of outputs [], whereas the node function"),
            ({}, "The node output is a dictionary, whereas the function output is"),
        ],
    )
    def test_empty_output_list_or_dict_is_not_outputs_none(self, outputs, msg):
        # as in Kedro: only outputs=None drops the return value
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(identity, "a", outputs).run({"a": 1})
        assert node(lambda a: (), "a", []).run({"a": 1}) == {}

    def test_dict_output_keys_mismatch_message(self):
        n = node(lambda a: {"ret": a, "odd": 0}, "a", {"ret": "B", "ans": "C"}, name="split")
        # Kedro's sentence (returned keys first), then what is missing and what is extra
        msg = (
            "The node's output keys {'odd', 'ret'} do not match with the returned output's "
            "keys {'ans', 'ret'}. Declared but not returned: ['ans']; returned but not "
            "declared: ['odd']."
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            n.run({"a": 1})

    def test_generator_outputs_are_split_lazily(self):
        def gen():
            yield from ((i, i * 10) for i in range(3))

        out = node(gen, None, ["g1", "g2"]).run()
        assert [list(out["g1"]), list(out["g2"])] == [[0, 1, 2], [0, 10, 20]]

        def dict_gen():
            yield from ({"a": i, "b": -i} for i in range(2))

        out = node(dict_gen, None, {"a": "A", "b": "B"}).run()
        assert [list(out["A"]), list(out["B"])] == [[0, 1], [0, -1]]

    def test_wrong_inputs(self):
        msg = (
            "Node add([a;b]) -> [c] expected 2 input(s) ['a', 'b'], but got the following 1 "
            "input(s) instead: ['a']."
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(add, ["a", "b"], "c").run({"a": 1})
        with pytest.raises(ValueError, match=re.escape("expected one input named 'a'")):
            node(identity, "a", "b").run({"x": 1})
        with pytest.raises(ValueError, match=re.escape("expected no inputs")):
            node(lambda: 1, None, "b").run({"x": 1})
        with pytest.raises(ValueError, match=re.escape("expects a dictionary or None")):
            node(identity, "a", "b").run([1])

    def test_wrong_number_of_returned_values(self):
        msg = (
            "The node function returned 3 output(s), whereas the node definition contains 2 "
            "output(s)."
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            node(lambda x: (1, 2, 3), "x", ["a", "b"]).run({"x": 1})
        with pytest.raises(ValueError, match=re.escape("returned a 'int'")):
            node(lambda x: 1, "x", ["a", "b"]).run({"x": 1})

    def test_wrong_returned_dict(self):
        with pytest.raises(ValueError, match=re.escape("do not match with the returned")):
            node(lambda x: {"p": 1}, "x", {"p": "P", "q": "Q"}).run({"x": 1})
        with pytest.raises(ValueError, match=re.escape("The node output is a dictionary")):
            node(lambda x: 1, "x", {"p": "P"}).run({"x": 1})

    def test_function_errors_propagate_unchanged(self):
        def boom(x):
            raise KeyError("inner")

        with pytest.raises(KeyError, match="inner"):
            node(boom, "a", "b").run({"a": 1})


def test_node_class_is_constructible_directly():
    n = Node(identity, "a", "b", name="direct")
    assert n.name == "direct"


def test_pickled_node_rehashes_in_the_new_process():
    import pickle

    n = node(identity, "a", "b", name="n")
    hash(n)
    state = pickle.loads(pickle.dumps(n)).__dict__
    assert state["_hash"] is None
    assert pickle.loads(pickle.dumps(n)) == n


def test_signature_cache_does_not_keep_functions_alive():
    import gc
    import weakref

    def make():
        payload = list(range(10))

        def inner(x):
            return payload

        return inner

    func = make()
    node(func, "a", "b")
    alive = weakref.ref(func)
    del func
    gc.collect()
    assert alive() is None


def test_callable_objects_without_weakref_support():
    class Slotted:
        __slots__ = ()

        def __call__(self, x):
            return x

        __name__ = "slotted"

    n = node(Slotted(), "a", "b", name="s")
    assert n.run({"a": 1}) == {"b": 1}
    with pytest.raises(TypeError, match="Inputs of"):
        node(Slotted(), ["a", "b"], "c", name="s2")


def test_node_keeps_its_own_copy_of_the_names():
    inputs = ["a", "b"]
    n = node(add, inputs, "c")
    inputs.append("z")
    assert n.inputs == ["a", "b"]
    assert n.run({"a": 1, "b": 2}) == {"c": 3}


def test_callable_object_default_name_uses_its_class():
    class Scaler:
        def __call__(self, x):
            return x

    assert node(Scaler(), "a", "b").name.startswith("Scaler__")


def test_empty_name_means_no_name():
    # Kedro accepts name="" and names the node after its function
    n = node(identity, "a", "b", name="")
    assert n.name == node(identity, "a", "b").name
    assert str(n) == "identity([a]) -> [b]"
    assert n.short_name == "Identity"
