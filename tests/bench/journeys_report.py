"""The journeys bench's printed report (tests/bench/journeys.py): Markdown tables, per database."""

from __future__ import annotations


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def steps_table(steps: dict[str, dict]) -> list[str]:
    rows = ["| step | requests | p50 (ms) | p95 (ms) | max (ms) | errors |", "|---|---:|---:|---:|---:|---:|"]
    kinds = ["resident", "civil servant", "organiser", "login", "static", "hello"]
    order = sorted(steps, key=lambda name: next((n for n, k in enumerate(kinds) if name.startswith(k)), len(kinds)))
    for name, s in ((name, steps[name]) for name in order):
        rows.append(f"| {name} | {s['n']:,} | {_ms(s['p50_ms'])} | {_ms(s['p95_ms'])} | {_ms(s['max_ms'])} | "
                    f"{s['errors']}{' (' + str(s['server_errors']) + ' 5xx)' if s['server_errors'] else ''} |")
    return rows


def _journeys(done: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in done.items())


def per_thousand(level: dict) -> float:
    """Server cores the level kept busy per 1,000 people it stands for: CPU time, which another
    process's load on the machine delays but hardly inflates, unlike the latencies."""
    return level["cpu"]["server_cores"] * 1000 / max(1, level["equivalent"])


def _best(results: dict) -> dict | None:
    passed = [lv for lv in results["levels"] if lv["passed"]]
    return max(passed, key=lambda lv: lv["level"]) if passed else None


def summary_table(all_results: dict[str, dict | None], cfg: dict) -> list[str]:
    rows = ["| database | hello-world req/s (p95 ms) | logins/s | most residents, p95 < "
            f"{cfg['p95_target_ms']:.0f} ms, 0 errors | start surge: started within {cfg['surge_window']:.0f} s "
            "| server cores per 1,000 people | answers acknowledged / lost | load tool CPU |",
            "|---|---:|---:|---|---|---:|---|---|"]
    for database, r in all_results.items():
        if r is None or "hello" not in r:
            rows.append(f"| {database} | crashed | | | | | | |")
            continue
        best = _best(r)
        most = (f"{best['level']} virtual ≈ **{best['equivalent']:,} people** at 60 s think" if best
                else "none of the levels tried")
        surge, hello, tool = r["surge"], r["hello"], r["tool"]
        rows.append(
            f"| {database} | {hello['rps']:,.0f} ({_ms(hello['p95_ms'])}) | {r['logins']['logins_per_s']:.1f} | "
            f"{most} | {surge['started_within_window']:,} of {surge['count']:,} ({surge['started']:,} in all, the last "
            f"after {surge['last_start_s']} s) | {f'{per_thousand(best):.2f}' if best else '—'} | "
            f"{r['answers']['acknowledged_saves']:,} / {r['answers']['lost']} | "
            f"{tool['tool_cores']:.2f} cores ({tool['tool_cpu_s']:.0f} s CPU in {tool['wall_s']:.0f} s) |")
    return rows


def database_section(database: str, r: dict, cfg: dict) -> list[str]:
    factor = 60 / cfg["think"]
    lines = [f"## {database}", ""]
    if r.get("load_exit"):
        return [*lines, f"The load tool crashed (exit status {r['load_exit']}).", ""]
    hello, logins = r["hello"], r["logins"]
    lines += [
        f"- seeded {r['seeded']['residents']:,} residents, {r['seeded']['staff']:,} civil servants, "
        f"{r['seeded']['organisers']} organisers, a 20-question round and a 3-lesson module in {r['seed_seconds']} s",
        f"- hello-world baseline (8 connections, {cfg['hello_seconds']} s): {hello['rps']:,.0f} req/s, "
        f"p50 {_ms(hello['steps']['hello (baseline)']['p50_ms'])} ms, p95 {_ms(hello['p95_ms'])} ms "
        f"(load tool {hello['cpu']['tool_cores']} cores, server {hello['cpu']['server_cores']} cores)",
        f"- logins (4 phones back to back, {cfg['login_seconds']} s): **{logins['logins_per_s']:.1f} per second**, "
        f"login POST p50 {_ms(logins['steps'].get('login: login', {}).get('p50_ms', 0))} ms, "
        f"p95 {_ms(logins['steps'].get('login: login', {}).get('p95_ms', 0))} ms "
        f"(server {logins['cpu']['server_cores']} cores)",
        "",
        f"Stepping the load: mean think {cfg['think']} s (Moodle's 30-90 s, compressed ×{factor:.0f}), "
        f"{cfg['level_seconds']:.0f} s per level; civil servants {cfg['staff_ratio']:.0%} of the residents, "
        f"{cfg['organisers']} organiser(s) in real time (every {cfg['organiser_poll']:.0f} s). p95 over every "
        "request of the level but static files and login POSTs (a password hash each: see their own line).",
        "",
        "| residents (virtual) | ≈ people at 60 s think | civil servants | req/s | p95 (ms) | p95 with logins | "
        "errors | journeys done | server CPU (cores) | per 1,000 people | per request (ms) | load tool CPU (cores) | "
        "load avg | |",
        "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|",
    ]
    for lv in sorted(r["levels"], key=lambda lv: lv["level"]):
        cpu = lv["cpu"]
        lines.append(
            f"| {lv['level']} | {lv['equivalent']:,} | {lv['people']['civil servant']} | {lv['rps']:.0f} | "
            f"{_ms(lv['p95_ms'])} | {_ms(lv.get('p95_with_logins_ms', lv['p95_ms']))} | {lv['errors']} | "
            f"{_journeys(lv.get('journeys_done', {}))} | {cpu['server_cores']} | {per_thousand(lv):.2f} | "
            f"{cpu['server_cpu_ms_per_request']} | {cpu['tool_cores']} | "
            f"{cpu['load_average'][0]} | {'ok' if lv['passed'] else 'over'} |")
    best = _best(r)
    lines.append("")
    if best:
        lines += [f"The most residents with p95 < {cfg['p95_target_ms']:.0f} ms and 0 errors: **{best['level']} "
                  f"virtual ≈ {best['equivalent']:,} people at 60 s think**, keeping the server "
                  f"{best['cpu']['server_cores']} cores busy ({per_thousand(best):.2f} per 1,000 people). "
                  "Its steps:", "",
                  *steps_table(best["steps"])]
    else:
        lines.append("No level tried kept p95 under the target with 0 errors.")
    surge = r["surge"]
    lines += [
        "",
        f"Start surge: {surge['count']:,} residents arriving at random within {surge['window_s']:.0f} s, each "
        f"logging in and starting at once: **{surge['started_within_window']:,} started within "
        f"{surge['window_s']:.0f} s**, {surge['started']:,} in all, the last after {surge['last_start_s']} s; "
        f"{surge['logins_per_s']:.1f} logins/s; {surge.get('given_up', 0):,} people not through were given up at "
        f"{surge['window_s'] + cfg['request_timeout']:.0f} s; {surge['errors']} errors "
        f"(server {surge['cpu']['server_cores']} cores, load tool {surge['cpu']['tool_cores']} cores).",
        "", *steps_table(surge["steps"]), "",
    ]
    a = r["answers"]
    lines.append(f"Answers: {a['acknowledged_saves']:,} saves acknowledged (HTTP 200) on {a['items_checked']:,} "
                 f"questions, checked against AttemptQuestion.selected after the server stopped: **{a['lost']} lost**. "
                 f"{a['attempts']:,} attempts, {a['attempts_finished']:,} finished, {a['standings']:,} standings, "
                 f"{a['certificates']:,} certificates.")
    if a["examples"]:
        lines.append(f"Lost, for example: {a['examples']}")
    if r.get("statements"):
        lines += ["", "SQL statements per request (one resident's steps, Django's test client, after the run): "
                  + ", ".join(f"{k} {v}" for k, v in r["statements"].items()) + "."]
    if "duplicates" in a:
        lines.append(f"Attempts or standings made twice (a start or a grade repeated): **{a['duplicates']}**.")
    t = r["tool"]
    lines += ["", f"Load tool, whole phase: {t['tool_cpu_s']:.0f} s CPU in {t['wall_s']:.0f} s = {t['tool_cores']} "
              f"cores; gunicorn {t['server_cpu_s']:.0f} s CPU = {t['server_cores']} cores.", ""]
    if "database_cpu_s" in t:  # against a cluster (journeys.py --base-url): every group's CPU per request
        lines += [_cpu_split(f"{lv['level']} residents", lv["cpu"]) for lv in r["levels"]]
        lines += [_cpu_split("start surge", r["surge"]["cpu"]), ""]
    if r.get("errors"):
        lines += ["First errors seen:", "", *[f"- {e}" for e in r["errors"][:8]], ""]
    return lines


def _cpu_split(name: str, cpu: dict) -> str:
    """CPU milliseconds per request of the app servers, PostgreSQL and nginx, and the database's share."""
    parts = {k: cpu.get(f"{k}_cpu_ms_per_request", 0.0) for k in ("server", "database", "proxy")}
    pages = {k: cpu.get(f"{k}_cpu_ms_per_page", 0.0) for k in ("server", "database", "proxy")}
    total = sum(parts.values()) or 1.0
    return (f"- {name}: app servers {parts['server']} ms, PostgreSQL {parts['database']} ms, nginx {parts['proxy']} ms "
            f"of CPU per request (static files included; per page: {pages['server']}, {pages['database']}, "
            f"{pages['proxy']} ms); the database's share {100 * parts['database'] / total:.0f} %.")


def report(all_results: dict[str, dict | None], cfg: dict, stamp: str, uptime: dict, seconds: float) -> str:
    lines = [f"# Journeys bench {stamp}", "",
             f"gunicorn (config/gunicorn.py) 2 workers, DEBUG off; {seconds / 60:.1f} minutes in all; machine load "
             f"(1, 5, 15 min) before {tuple(round(x, 2) for x in uptime['before'])}, after "
             f"{tuple(round(x, 2) for x in uptime['after'])}.", "", *summary_table(all_results, cfg), ""]
    for database, r in all_results.items():
        if r is not None:
            lines += database_section(database, r, cfg)
    return "\n".join(lines) + "\n"
