"""The training room's stand-in for the hall's approval system: one page with a case, a
creditdesk:// link that opens the clerk's window with the case filled, and a button that posts
the check to the desk's local API and shows the record the clerk made (README "The approval
system drives the desk"). Served by the reference platform at /training/approval."""
from __future__ import annotations

from flask import Flask, Response

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>审批系统（培训）</title>
<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}label{display:block;margin:.4em 0}
input{width:22em}pre{background:#f4f4f4;padding:1em;white-space:pre-wrap}</style></head>
<body><h1>审批系统 · 办件页（培训用）</h1>
<p>本页扮演大厅的审批系统：填好办件，点击链接打开信用核查窗口，或经本机接口提交核查，
窗口人员记录后本页取回核查记录。</p>
<label>办件编号 <input id="case_no" value="TRAIN-2026-0001"></label>
<label>办事事项 <input id="item" value="CZ-001"></label>
<label>统一社会信用代码 <input id="code" value=""></label>
<label>查询目的（自然人必填） <input id="purpose" value=""></label>
<label>本机接口端口 <input id="port" value="47631"></label>
<label>接口令牌 <input id="token" type="password" value=""></label>
<p><a id="link" href="#">在信用核查窗口中打开（creditdesk:// 链接）</a></p>
<p><button id="post">提交核查到窗口（本机接口）</button></p>
<pre id="out">（尚无核查记录）</pre>
<script>
const $ = id => document.getElementById(id);
function link() {
  const p = new URLSearchParams({item: $("item").value, case: $("case_no").value});
  if ($("code").value) p.set("code", $("code").value);
  $("link").href = "creditdesk://check?" + p.toString();
}
["item", "case_no", "code"].forEach(id => $(id).addEventListener("input", link)); link();
$("post").onclick = async () => {
  const base = "http://127.0.0.1:" + $("port").value + "/v1/checks";
  const auth = {"Authorization": "Bearer " + $("token").value};
  const body = {case_no: $("case_no").value, item: $("item").value, code: $("code").value};
  if ($("purpose").value) body.purpose = $("purpose").value;
  const r = await fetch(base, {method: "POST", headers: {...auth, "Content-Type": "application/json"},
                               body: JSON.stringify(body)});
  const t = await r.json();
  $("out").textContent = JSON.stringify(t, null, 2);
  if (!r.ok) return;
  for (;;) {
    await new Promise(ok => setTimeout(ok, 2000));
    const a = await (await fetch(base + "/" + t.ticket, {headers: auth})).json();
    $("out").textContent = JSON.stringify(a, null, 2);
    if (a.state !== "pending") return;
  }
};
</script></body></html>
"""


def register(app: Flask) -> None:
    @app.get("/training/approval")
    def approval_page():
        return Response(PAGE, mimetype="text/html")
