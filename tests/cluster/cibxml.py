#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Reads Pacemaker's XML for the cluster tests (standard library only).

  cibxml.py actions SIM.xml          what a crm_simulate transition did
  cibxml.py check SIM.xml EXPECTED   placement against expectations
  cibxml.py summary CIB.xml          a CIB's configuration, normalised

SIM.xml is the output of crm_simulate -S --output-as=xml. EXPECTED holds
one expectation a line, "ID ROLE [NODE]": ID a primitive, a group or a
clone, ROLE as crm_mon says it (Started, Promoted, Unpromoted, Stopped).
"""

import re
import sys
import xml.etree.ElementTree as ET

# ------------------------------------------------------------ actions


def actions(sim):
    """One line per action the transition ran, notifications, recurring
    monitors and their cancellations left out: "RES OP NODE",
    "fence NODE", "shutdown NODE"."""
    out = []
    transition = sim.find("transition")
    for a in transition if transition is not None else ():
        if a.tag == "rsc_action":
            if (a.get("op") in ("cancel", "notify")
                    or int(a.get("interval", "0"))):
                continue
            rsc = a.get("resource").split(":")[0]  # p_drbd_db:0
            out.append("%s %s %s" % (rsc, a.get("op"), a.get("node")))
        elif a.tag == "fencing_action":
            out.append("fence %s" % a.get("target"))
        elif a.tag == "cluster_action" and a.get("task") == "do_shutdown":
            out.append("shutdown %s" % a.get("node"))
    return out


# ------------------------------------------------------------ placement


def where(res):
    """A resource element's state: {"ROLE NODE[ FLAG...]"} or {"ROLE"}."""
    flags = "".join(" " + f for f in ("failed", "blocked")
                    if res.get(f) == "true")
    if res.get("managed") == "false":
        flags += " unmanaged"
    nodes = [n.get("name") for n in res.findall("node")]
    if not nodes:
        return {res.get("role") + flags}
    return {"%s %s%s" % (res.get("role"), n, flags) for n in nodes}


def active(states):
    """A group's or clone's state: its members' or instances' states,
    "Stopped" only when nothing of it runs."""
    running = {s for s in states if not s.startswith("Stopped")}
    return running or states


def placement(sim):
    """({id: states}, {top-level id: [member ids]}, {stonith ids}) from
    the cluster status after the transition."""
    status = sim.find("revised_cluster_status")
    if status is None:
        status = sim.find("cluster_status")
    states, tops, stonith = {}, {}, set()
    for el in status.find("resources"):
        rid = el.get("id")
        if el.tag == "resource":
            states[rid] = where(el)
            tops[rid] = []
            if el.get("resource_agent", "").startswith("stonith:"):
                stonith.add(rid)
        elif el.tag == "group":
            members = el.findall("resource")
            for m in members:
                states[m.get("id")] = where(m)
            states[rid] = active(set().union(*(where(m) for m in members)))
            tops[rid] = [m.get("id") for m in members]
        elif el.tag == "clone":
            inst = el.findall(".//resource")
            states[rid] = active(set().union(*(where(i) for i in inst)))
            tops[rid] = []
    return states, tops, stonith


def read_expected(path):
    want = {}
    with open(path) as f:
        for line in f:
            words = line.split()
            if words:
                want.setdefault(words[0], set()).add(" ".join(words[1:]))
    return want


def check(sim, expected_path):
    """0 when every expected resource is where it is expected and
    the expectations name every resource but the fence devices; else
    print both side by side."""
    states, tops, stonith = placement(sim)
    want = read_expected(expected_path)
    ids = list(want)
    for top, members in tops.items():
        covered = top in want or (members and all(m in want
                                                   for m in members))
        if not covered and top not in stonith:
            ids.append(top)  # unexpected: shown with nothing expected
    rows, ok = [], True
    for rid in sorted(ids):
        exp = sorted(want.get(rid, ()))
        act = sorted(states.get(rid, {"(no such resource)"}))
        same = exp == act
        ok = ok and same
        for i in range(max(len(exp), len(act))):
            left = "%s %s" % (rid, exp[i]) if i < len(exp) else ""
            right = "%s %s" % (rid, act[i]) if i < len(act) else ""
            rows.append("%-36s %s %s" % (left, "  " if same else "<>",
                                         right))
    if not ok:
        print("%-36s    %s" % ("expected", "actual"))
        print("\n".join(rows))
    return 0 if ok else 1


# ------------------------------------------------------------ summary

ROLES = {"Master": "Promoted", "Slave": "Unpromoted"}
UNITS = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600,
         "ms": 0.001, "msec": 0.001}


def seconds(value):
    """"90s", "1m", "90000ms", "90" -> "90s"."""
    m = re.fullmatch(r"\s*(\d+)\s*([a-z]*)\s*", value or "0")
    if not m or m.group(2) not in UNITS:
        return value
    return "%gs" % (int(m.group(1)) * UNITS[m.group(2)])


def score(value):
    v = (value or "").lower().lstrip("+")
    return {"inf": "INFINITY", "infinity": "INFINITY",
            "-inf": "-INFINITY", "-infinity": "-INFINITY"}.get(v, value)


def nvpairs(el, tag):
    return sorted("%s=%s" % (nv.get("name"), nv.get("value"))
                  for s in el.findall(tag) for nv in s.findall("nvpair"))


def summary(cib):
    """The configuration as sorted lines, without ids of nvpairs and
    operations, comments or node entries: what must be equal when two
    tools write the same configuration."""
    conf = cib.find("configuration")
    out = []
    for s in conf.findall("crm_config/cluster_property_set"):
        for nv in s.findall("nvpair"):
            if nv.get("name") not in ("cluster-infrastructure",
                                      "dc-version", "have-watchdog",
                                      "cluster-name", "last-lrm-refresh"):
                out.append("property %s=%s" % (nv.get("name"),
                                               nv.get("value")))
    for kind in ("rsc_defaults", "op_defaults"):
        for nv in nvpairs(conf, kind + "/meta_attributes"):
            out.append("%s %s" % (kind, nv))

    def prim(p, parent):
        pid = p.get("id")
        agent = ":".join(x for x in (p.get("class"), p.get("provider"),
                                     p.get("type")) if x)
        out.append("primitive %s %s in %s" % (pid, agent, parent))
        out.extend("param %s %s" % (pid, nv)
                   for nv in nvpairs(p, "instance_attributes"))
        out.extend("meta %s %s" % (pid, nv)
                   for nv in nvpairs(p, "meta_attributes"))
        for op in p.findall("operations/op"):
            extra = [k + "=" + op.get(k) for k in sorted(op.keys())
                     if k not in ("id", "name", "interval", "timeout",
                                  "role")]
            extra += nvpairs(op, "instance_attributes")
            out.append(("op %s %s interval=%s timeout=%s role=%s %s" % (
                pid, op.get("name"), seconds(op.get("interval")),
                seconds(op.get("timeout")),
                ROLES.get(op.get("role"), op.get("role") or "-"),
                " ".join(extra))).rstrip())

    res = conf.find("resources")
    for el in res:
        if el.tag == "primitive":
            prim(el, "-")
        elif el.tag == "group":
            out.append("group %s %s" % (el.get("id"), " ".join(
                p.get("id") for p in el.findall("primitive"))))
            for p in el.findall("primitive"):
                prim(p, el.get("id"))
        elif el.tag in ("clone", "master"):
            child = el.find("primitive")
            out.append("clone %s %s" % (el.get("id"), child.get("id")))
            meta = nvpairs(el, "meta_attributes")
            if el.tag == "master":
                meta = sorted(meta + ["promotable=true"])
            out.extend("meta %s %s" % (el.get("id"), nv) for nv in meta)
            prim(child, el.get("id"))
    for c in conf.find("constraints"):
        a = dict(c.attrib)
        cid = a.pop("id")
        for k in ("score",):
            if k in a:
                a[k] = score(a[k])
        for k in ("rsc-role", "with-rsc-role", "role"):
            if k in a:
                a[k] = ROLES.get(a[k], a[k])
        # Pacemaker's defaults, written by one tool and not the other
        if c.tag == "rsc_order":
            a.setdefault("kind", "Mandatory")
            a.setdefault("first-action", "start")
            a.setdefault("then-action", a["first-action"])
        if c.tag == "rsc_colocation":
            a.setdefault("rsc-role", "Started")
            a.setdefault("with-rsc-role", "Started")
        words = " ".join("%s=%s" % kv for kv in sorted(a.items()))
        out.append("%s %s %s" % (c.tag, cid, words))
        for rule in c.findall("rule"):
            r = dict(rule.attrib)
            r.pop("id")
            r["score"] = score(r.get("score"))
            if "role" in r:
                r["role"] = ROLES.get(r["role"], r["role"])
            exprs = sorted("%s %s %s" % (e.get("attribute"),
                                         e.get("operation"), e.get("value"))
                           for e in rule.findall("expression"))
            out.append("rule %s %s: %s" % (
                cid, " ".join("%s=%s" % kv for kv in sorted(r.items())),
                " and ".join(exprs)))
    return sorted(out)


def main(argv):
    if len(argv) == 3 and argv[1] == "actions":
        for line in actions(ET.parse(argv[2]).getroot()):
            print(line)
        return 0
    if len(argv) == 4 and argv[1] == "check":
        return check(ET.parse(argv[2]).getroot(), argv[3])
    if len(argv) == 3 and argv[1] == "summary":
        for line in summary(ET.parse(argv[2]).getroot()):
            print(line)
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
