"""The input gate for scenario and sweep files (issue 10): limits, one parse, one-line errors.

Each test is a case from the issue that today's loader got wrong (a traceback, a hang, a
huge message or a silently accepted file); the last tests fuzz YAML mutations of bundled
files and check that loading either works or fails with one short line.
"""

from __future__ import annotations

import string
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import yamlio
from sim.experiments.design import MAX_SAMPLES
from sim.experiments.sweep import MAX_REPS, MAX_RUNS, SweepError, load_sweep
from sim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "scenarios" / "national_plan_2025.yaml"
SWEEPS = ROOT / "scenarios" / "sweeps"


def _write(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def _one_line_error(exc_info, limit: int = 600) -> str:
    msg = str(exc_info.value)
    assert "\n" not in msg and len(msg) < limit, msg[:1000]
    return msg


def _sweep(**kw) -> dict:
    base = {"name": "t", "scenarios": ["national_plan_2025"], "reps": 2, "seed": 7,
            "design": {"type": "factorial",
                       "factors": {"consent_model": ["implied", "opt_in"]}}}
    base.update(kw)
    return base


def _sweep_file(tmp_path: Path, **kw) -> Path:
    return _write(tmp_path, yaml.safe_dump(_sweep(**kw), sort_keys=False), "sw.yaml")


# ------------------------------------------------------------------ size and depth
def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    text = "name: big\ndescription: " + "x" * (yamlio.MAX_BYTES + 10) + "\n"
    p = _write(tmp_path, text)
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    assert time.perf_counter() - t0 < 2
    msg = _one_line_error(e)
    assert str(p) in msg and f"{yamlio.MAX_BYTES:,} bytes" in msg
    with pytest.raises(SweepError, match="too large"):
        load_sweep(p)


def test_deep_nesting_is_refused_with_the_limit_not_a_recursion_error(tmp_path):
    # today: RecursionError from the pure-Python composer
    p = _write(tmp_path, "description: " + "[" * 3000 + "]" * 3000 + "\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = _one_line_error(e)
    assert f"{p}:1:" in msg and f"deeper than {yamlio.MAX_DEPTH} levels" in msg
    with pytest.raises(SweepError, match="deeper than"):
        load_sweep(p)


def test_nesting_just_over_the_limit_names_the_limit(tmp_path):
    body = "".join("  " * i + f"k{i}:\n" for i in range(yamlio.MAX_DEPTH + 2))
    with pytest.raises(ScenarioError, match=rf"s.yaml:{yamlio.MAX_DEPTH + 1}: nesting deeper "
                                            rf"than {yamlio.MAX_DEPTH} levels"):
        load_scenario(_write(tmp_path, body))


def test_extends_chain_is_bounded(tmp_path):
    n = 30
    for i in range(n):
        _write(tmp_path, f"extends: f{i + 1}.yaml\n" if i < n - 1 else "audit_strength: 0.5\n",
               f"f{i}.yaml")
    with pytest.raises(ScenarioError, match="'extends' chain longer than"):
        load_scenario(tmp_path / "f0.yaml")


# -------------------------------------------------------------- one parse, C loader
def test_each_file_is_parsed_once_with_the_c_loader(tmp_path, monkeypatch):
    if yaml.__with_libyaml__:
        assert yamlio._Loader is yaml.CSafeLoader
    made = []

    class Counting(yamlio._Loader):
        def __init__(self, stream):
            made.append(1)
            super().__init__(stream)

    def refuse(*a, **k):
        raise AssertionError("parsed outside the gate")

    monkeypatch.setattr(yamlio, "_Loader", Counting)
    for name in ("safe_load", "load", "compose", "compose_all", "load_all"):
        monkeypatch.setattr(yaml, name, refuse)
    p = _write(tmp_path, BUNDLED.read_text().replace("extends: status_quo.yaml\n", ""))
    s = load_scenario(p)
    assert s.params["architecture"] == "national" and len(made) == 1
    made.clear()
    load_sweep(SWEEPS / "collection_by_consent.yaml")
    assert len(made) == 3  # the sweep, national_plan_2025 and the status_quo it extends


# ------------------------------------------------------- duplicate keys and aliases
def test_duplicate_keys_are_refused_naming_file_line_and_key(tmp_path):
    p = _write(tmp_path, "name: x\nn_residents: 200\narchitecture: national\n"
                         "n_residents: 5000000\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = _one_line_error(e)
    assert f"{p}:4: duplicate key 'n_residents' (first on line 2)" in msg
    q = _write(tmp_path, "name: t\nreps: 2\ndesign: {type: factorial, factors: "
                         "{consent_model: [implied], consent_model: [opt_in]}}\n", "sw.yaml")
    with pytest.raises(SweepError, match=r"sw.yaml:3: duplicate key 'consent_model'"):
        load_sweep(q)


@pytest.mark.parametrize("a, b", [("yes", "true"), ("0x10", "16"), ("1", "1.0"),
                                  ("true", "1"), ("~", "null"), ("'n'", "n")])
def test_keys_written_differently_that_load_as_one_key_are_refused(a, b):
    """A loaded mapping is a dict: keys equal as values would merge, the last one winning."""
    text = f"name: x\nlevels:\n  {a}: 1\n  {b}: 2\n"
    with pytest.raises(yamlio.YamlInputError,
                       match=r"t.yaml:4: duplicate key .* \(first on line 3\)"):
        yamlio.parse_yaml(text, "t.yaml")


@pytest.mark.parametrize("text", ["a:\n  !!bool maybe: 1\n", "a: !!bool maybe\n",
                                  "!!int '': 1\n", "a: !!int '-'\n", "a: !!float ''\n"])
def test_tagged_scalars_pyyaml_cannot_build_are_a_clear_error(text):
    with pytest.raises(yamlio.YamlInputError, match=r"^t\.yaml: not valid YAML: "):
        yamlio.parse_yaml(text, "t.yaml")


def test_checking_keys_keeps_nothing_between_files():
    for _ in range(50):
        yamlio.parse_yaml("a: 1\nyes: 2\n0x10: 3\n", "t.yaml")
    assert not yamlio._CONSTRUCTOR.constructed_objects
    assert not yamlio._CONSTRUCTOR.recursive_objects


def test_keys_that_stay_distinct_when_loaded_are_accepted():
    got = yamlio.parse_yaml("a:\n  1: x\n  '1': y\n  no: z\n  'no': w\n", "t.yaml").data
    assert got == {"a": {1: "x", "1": "y", False: "z", "no": "w"}}


BOMB = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]"
       for i in range(8)]
    + ["description: *i"]) + "\n"


def test_alias_bomb_is_refused_at_once_with_a_short_message(tmp_path):
    assert len(BOMB) < 1024
    p = _write(tmp_path, BOMB)
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    assert time.perf_counter() - t0 < 1
    msg = _one_line_error(e, limit=300)
    assert f"{p}:2: alias *a" in msg and "not allowed" in msg
    with pytest.raises(SweepError, match="alias"):
        load_sweep(p)


# ------------------------------------------------------------- one-line, short errors
def test_values_in_messages_are_cut_short(tmp_path):
    p = _write(tmp_path, "consent_model: [" + ", ".join(["maybe"] * 20000) + "]\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = _one_line_error(e, limit=400)
    assert msg.startswith(f"{p}:1: consent_model: invalid value ['maybe', ")
    assert "(list of 20000 items)" in msg
    with pytest.raises(ScenarioError) as e:
        load_scenario({"name": "x" * 100_000})
    _one_line_error(e, limit=400)


@pytest.mark.parametrize("digits", [400, 5000])
def test_huge_integers_name_the_field(tmp_path, digits):
    # today: OverflowError (400 digits) or a ValueError without file or field (5,000)
    p = _write(tmp_path, "name: x\npenalty_yuan: " + "9" * digits + "\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = _one_line_error(e)
    assert f"{p}:2: penalty_yuan: invalid value (an integer of {digits} digits)" in msg
    assert "allowed: a number in [" in msg
    with pytest.raises(ScenarioError, match="penalty_yuan: invalid value <an integer"):
        load_scenario({"penalty_yuan": 10 ** 400})
    with pytest.raises(SweepError, match=r"overrides\.penalty_yuan: invalid value"):
        load_sweep(_sweep(overrides={"penalty_yuan": 10 ** 400}))
    q = _write(tmp_path, f"name: t\noverrides:\n  penalty_yuan: {'9' * digits}\n", "sw.yaml")
    with pytest.raises(SweepError, match=r"sw.yaml:3: overrides.penalty_yuan: invalid value"):
        load_sweep(q)


def test_non_utf8_file_names_the_file(tmp_path):
    p = _write(tmp_path, b"name: caf\xe9\narchitecture: national\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = _one_line_error(e)
    assert f"{p}:1: not UTF-8 text" in msg
    with pytest.raises(SweepError, match="not UTF-8"):
        load_sweep(p)


# ----------------------------------------------------------- names are not paths
@pytest.mark.parametrize("name", ["/tmp/victim", "../../x", "a/b", "a\\b", "..",
                                  "C:evil", "x\ny"])
def test_scenario_and_sweep_names_are_names_not_paths(tmp_path, name):
    p = _write(tmp_path, yaml.safe_dump({"name": name, "architecture": "national"},
                                        sort_keys=False))
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = _one_line_error(e)
    assert f"{p}:1: name: invalid value" in msg and "allowed:" in msg
    with pytest.raises(SweepError, match=r"sw.yaml:1: name: invalid value"):
        load_sweep(_sweep_file(tmp_path, name=name))


def test_ordinary_names_still_load(tmp_path):
    s = load_scenario({"name": "national platform (v2, 2025)"})
    assert s.name == "national platform (v2, 2025)"
    assert load_sweep(_sweep(name="my sweep-2 (draft)")).name == "my sweep-2 (draft)"


# ------------------------------------------------------------ silently accepted
def test_sobol_second_order_must_be_a_boolean(tmp_path):
    design = {"type": "sobol", "samples": 8, "second_order": "no",
              "factors": {"audit_strength": None, "attacker_skill": None}}
    p = _sweep_file(tmp_path, design=design)
    with pytest.raises(SweepError, match=r"sw.yaml:\d+: design.second_order: invalid value "
                                         r"'no'; allowed: true or false"):
        load_sweep(p)
    design["second_order"] = False
    assert len(load_sweep(_sweep(design=design)).design.points) == 8 * 4


def test_duplicated_factorial_levels_are_refused(tmp_path):
    design = {"type": "factorial",
              "factors": {"audit_strength": [0.2, 0.5, 0.2], "consent_model": ["implied"]}}
    p = _sweep_file(tmp_path, design=design)
    with pytest.raises(SweepError) as e:
        load_sweep(p)
    msg = _one_line_error(e)
    assert "design.factors.audit_strength: level 0.2 is listed twice" in msg
    assert f"{p}:" in msg
    design["factors"]["audit_strength"] = [1, 1.0]
    with pytest.raises(SweepError, match="listed twice"):
        load_sweep(_sweep(design=design))


def test_policies_with_equal_values_are_refused_naming_both():
    design = {"type": "policies", "policies": [
        {"name": "plan A", "architecture": "national", "consent_model": "opt_in"},
        {"name": "silos", "architecture": "silos"},
        {"name": "plan B", "consent_model": "opt_in", "architecture": "national"}]}
    with pytest.raises(SweepError) as e:
        load_sweep(_sweep(design=design))
    msg = _one_line_error(e)
    assert "'plan A' and 'plan B' set the same values" in msg


def test_morris_levels_must_be_an_integer():
    design = {"type": "morris", "samples": 2, "levels": "abc",
              "factors": {"audit_strength": None, "attacker_skill": None}}
    with pytest.raises(SweepError, match=r"design\.levels: invalid value 'abc'"):
        load_sweep(_sweep(design=design))


# -------------------------------------------------------------------------- caps
def test_reps_are_capped_with_an_override():
    with pytest.raises(SweepError) as e:
        load_sweep(_sweep(reps=1_000_000_000))
    msg = _one_line_error(e)
    assert f"at most {MAX_REPS:,}" in msg and "allow_large" in msg
    s = load_sweep(_sweep(reps=MAX_REPS + 1), allow_large=True)
    assert s.reps == MAX_REPS + 1


def test_samples_are_capped_before_sampling():
    design = {"type": "latin_hypercube", "samples": 1_000_000_000,
              "factors": {"audit_strength": None}}
    t0 = time.perf_counter()
    with pytest.raises(SweepError) as e:
        load_sweep(_sweep(design=design))
    assert time.perf_counter() - t0 < 2
    msg = _one_line_error(e)
    assert "design.samples: invalid value 1,000,000,000" in msg and f"{MAX_SAMPLES:,}" in msg


def test_huge_factorial_is_refused_before_it_is_built():
    levels = {"audit_strength": [i / 1000 for i in range(1000)],
              "purpose_binding": [i / 1000 for i in range(1000)],
              "attacker_skill": [i / 1000 for i in range(1000)],
              "enforcement_probability": [i / 1000 for i in range(1000)]}
    t0 = time.perf_counter()
    with pytest.raises(SweepError) as e:
        load_sweep(_sweep(design={"type": "factorial", "factors": levels}))
    assert time.perf_counter() - t0 < 2
    msg = _one_line_error(e)
    assert "1,000,000,000,000 points" in msg and f"at most {MAX_RUNS:,} runs" in msg


def test_total_runs_are_capped():
    design = {"type": "factorial", "factors": {"audit_strength": [i / 200 for i in range(200)],
                                               "consent_model": ["implied", "opt_in"]}}
    with pytest.raises(SweepError, match=rf"400 points x 1 scenario\(s\) x 5,000 reps = "
                                         rf"2,000,000 runs; allowed: at most {MAX_RUNS:,}"):
        load_sweep(_sweep(design=design, reps=5000))
    assert len(load_sweep(_sweep(design=design, reps=5000), allow_large=True).design.points) \
        == 400


# -------------------------------------------------------------------------- fuzzing
_YAML_CHARS = string.ascii_letters + string.digits + " \t\n:-[]{},&*!|>'\"#%@`?\\.\x00\xe9"


def _mutations(text: str):
    """Strategies that mutate YAML text: insert, delete, duplicate a line, swap a value."""
    lines = text.splitlines(keepends=True)
    insert = st.tuples(st.just("insert"), st.integers(0, len(text)),
                       st.text(_YAML_CHARS, min_size=1, max_size=6))
    delete = st.tuples(st.just("delete"), st.integers(0, len(text)), st.integers(1, 8))
    dup = st.tuples(st.just("dup"), st.integers(0, len(lines) - 1), st.just(""))
    value = st.tuples(st.just("value"), st.integers(0, len(lines) - 1), st.one_of(
        st.integers(-10 ** 30, 10 ** 30).map(str), st.floats(allow_nan=True).map(str),
        st.sampled_from(["*a", "&a [1]", "!!python/name:os.system", "[[[[[[", "{a: {b: {c:",
                         "'''", "yes", "null", "~", "/etc/passwd", "../../x", "1e999",
                         "9" * 500, "9" * 5000, "[" * 40 + "]" * 40, "!!binary aGk=",
                         "2001-01-01",
                         # the hostile corpus of issue 20: merge keys, nested lists, names
                         "{<<: {n_days: 5}}", "[{<<: {a: 1}}]", "[[allergies]]",
                         "[[[allergies, medications]]]", "'../../evil'", "x" * 300]),
        st.text(_YAML_CHARS, max_size=12)))
    return st.lists(st.one_of(insert, delete, dup, value), min_size=1, max_size=4)


def _apply(text: str, ops) -> str:
    for op, at, arg in ops:
        if op == "insert":
            at = min(at, len(text))
            text = text[:at] + arg + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + arg:]
        else:
            lines = text.splitlines(keepends=True) or [""]
            i = min(at, len(lines) - 1)
            if op == "dup":
                lines.insert(i, lines[i])
            else:
                key = lines[i].split(":", 1)[0]
                lines[i] = f"{key}: {arg}\n"
            text = "".join(lines)
    return text


_FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow,
                                        HealthCheck.function_scoped_fixture])


@_FUZZ
@given(ops=_mutations(BUNDLED.read_text()))
def test_fuzz_scenario_mutations_load_or_fail_in_one_line(tmp_path, ops):
    p = tmp_path / "fuzz.yaml"
    p.write_bytes(_apply(BUNDLED.read_text(), ops).encode("utf-8", "surrogatepass"))
    try:
        load_scenario(p)
    except ScenarioError as e:
        msg = str(e)
        assert msg and "\n" not in msg and len(msg) < 3000, msg[:500]


_SWEEP_TEXT = (SWEEPS / "collection_by_consent.yaml").read_text()


@settings(_FUZZ, max_examples=100)
@given(ops=_mutations(_SWEEP_TEXT))
def test_fuzz_sweep_mutations_load_or_fail_in_one_line(tmp_path, ops):
    p = tmp_path / "fuzz_sweep.yaml"
    p.write_bytes(_apply(_SWEEP_TEXT, ops).encode("utf-8", "surrogatepass"))
    try:
        load_sweep(p)
    except SweepError as e:
        msg = str(e)
        assert msg and "\n" not in msg and len(msg) < 3000, msg[:500]
