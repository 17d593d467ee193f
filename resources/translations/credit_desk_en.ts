<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name></name>
    <message>
        <source>办事事项</source>
        <translation>Approval item</translation>
    </message>
    <message>
        <source>输入事项名称或编码搜索</source>
        <translation>Type an item name or code to search</translation>
    </message>
    <message>
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <source>办件编号（核查自然人时必填）</source>
        <translation>Case number (required when checking a natural person)</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Unified social credit code</translation>
    </message>
    <message>
        <source>扫描营业执照条形码/二维码，或输入18位代码后按回车</source>
        <translation>Scan the licence barcode/QR code, or type the 18-character code and press Enter</translation>
    </message>
    <message>
        <source>核查(&amp;C)</source>
        <translation>&amp;Check</translation>
    </message>
    <message>
        <source>核查(&amp;K)</source>
        <translation>Chec&amp;k</translation>
    </message>
    <message>
        <source>核查</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>数据来源</source>
        <translation>Data source</translation>
    </message>
    <message>
        <source>核查对象</source>
        <translation>Subject checked</translation>
    </message>
    <message>
        <source>数据中无此主体</source>
        <translation>Subject not in the data</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Notices</translation>
    </message>
    <message>
        <source>名单记录说明</source>
        <translation>About the list entries</translation>
    </message>
    <message>
        <source>结果已过时</source>
        <translation>Result out of date</translation>
    </message>
    <message>
        <source>名单记录</source>
        <translation>List entries</translation>
    </message>
    <message>
        <source>奖惩措施</source>
        <translation>Reward/punishment measures</translation>
    </message>
    <message>
        <source>关联人员（F6 核查选中人员）</source>
        <translation>Related people (F6 checks the selected person)</translation>
    </message>
    <message>
        <source>措施详情与法律依据</source>
        <translation>Measure details and legal basis</translation>
    </message>
    <message>
        <source>选中一条措施，在此查看其内容与法律依据</source>
        <translation>Select a measure to see its content and legal basis here</translation>
    </message>
    <message>
        <source>办理结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>说明（未执行必须执行的措施、或未能核实而准予办理时必填）</source>
        <translation>Note (required when a mandated measure is not applied, or when granting an unverified check)</translation>
    </message>
    <message>
        <source>记入办件档案</source>
        <translation>Record into the case file</translation>
    </message>
    <message>
        <source>信用承诺(&amp;M)</source>
        <translation>Co&amp;mmitment</translation>
    </message>
    <message>
        <source>承诺书编号(&amp;J)</source>
        <translation>Form no. (&amp;J)</translation>
    </message>
    <message>
        <source>期限(&amp;U)</source>
        <translation>D&amp;ue</translation>
    </message>
    <message>
        <source>欠缺材料(&amp;L)</source>
        <translation>Missing materia&amp;ls</translation>
    </message>
    <message>
        <source>信用承诺</source>
        <translation>Credit commitment</translation>
    </message>
    <message>
        <source>承诺书编号</source>
        <translation>Commitment form number</translation>
    </message>
    <message>
        <source>已签署承诺书的编号</source>
        <translation>Number of the signed commitment form</translation>
    </message>
    <message>
        <source>期限</source>
        <translation>Due date</translation>
    </message>
    <message>
        <source>YYYY-MM-DD</source>
        <translation>YYYY-MM-DD</translation>
    </message>
    <message>
        <source>欠缺材料</source>
        <translation>Missing materials</translation>
    </message>
    <message>
        <source>容缺受理：欠缺的材料，用“、”分隔</source>
        <translation>Tolerance: the missing materials, separated by 、 or commas</translation>
    </message>
    <message>
        <source>信用承诺说明</source>
        <translation>About credit commitments</translation>
    </message>
    <message>
        <source>不作承诺</source>
        <translation>No commitment</translation>
    </message>
    <message>
        <source>确认违诺</source>
        <translation>Confirm breach</translation>
    </message>
    <message>
        <source>核查发现的情况</source>
        <translation>What the verification found</translation>
    </message>
    <message>
        <source>写明核查发现的情况（必填）</source>
        <translation>State what the verification found (required)</translation>
    </message>
    <message>
        <source>确认违诺(&amp;Y)</source>
        <translation>Confirm breach (&amp;Y)</translation>
    </message>
    <message>
        <source>到期天数(&amp;T)</source>
        <translation>Due within days (&amp;T)</translation>
    </message>
    <message>
        <source>列出多少天内到期</source>
        <translation>List commitments due within this many days</translation>
    </message>
    <message>
        <source>待办承诺</source>
        <translation>Commitments to follow up</translation>
    </message>
    <message>
        <source>承诺所在记录</source>
        <translation>The record of the commitment</translation>
    </message>
    <message>
        <source>已履约(&amp;G)</source>
        <translation>Fulfilled (&amp;G)</translation>
    </message>
    <message>
        <source>记为已履约</source>
        <translation>Record as fulfilled</translation>
    </message>
    <message>
        <source>违诺(&amp;B)</source>
        <translation>&amp;Breached</translation>
    </message>
    <message>
        <source>记为违诺</source>
        <translation>Record as breached</translation>
    </message>
    <message>
        <source>操作提示</source>
        <translation>Hints</translation>
    </message>
    <message>
        <source>已逾期 %1 天</source>
        <translation>Overdue by %1 days</translation>
    </message>
    <message>
        <source>今天到期</source>
        <translation>Due today</translation>
    </message>
    <message>
        <source>%1 天后到期</source>
        <translation>Due in %1 days</translation>
    </message>
    <message>
        <source>没有即将到期或已逾期的信用承诺。</source>
        <translation>No credit commitments due soon or overdue.</translation>
    </message>
    <message>
        <source>记录 %1（核查记录 %2），办件 %3</source>
        <translation>Record %1 (check record %2), case %3</translation>
    </message>
    <message>
        <source>事项：%1（%2）</source>
        <translation>Item: %1 (%2)</translation>
    </message>
    <message>
        <source>核查时间：%1；办理结果：%2</source>
        <translation>Checked at: %1; outcome: %2</translation>
    </message>
    <message>
        <source>承诺：%1，承诺书 %2（文本 %3 第 %4 版）</source>
        <translation>Commitment: %1, form %2 (text %3 version %4)</translation>
    </message>
    <message>
        <source>期限：%1</source>
        <translation>Due: %1</translation>
    </message>
    <message>
        <source>欠缺材料：%1</source>
        <translation>Missing materials: %1</translation>
    </message>
    <message>
        <source>说明：%1</source>
        <translation>Note: %1</translation>
    </message>
    <message>
        <source>办事事项(&amp;I)</source>
        <translation>Approval &amp;item</translation>
    </message>
    <message>
        <source>办件编号(&amp;N)</source>
        <translation>Case &amp;number</translation>
    </message>
    <message>
        <source>代码(&amp;D)</source>
        <translation>Co&amp;de</translation>
    </message>
    <message>
        <source>办理结果(&amp;O)</source>
        <translation>&amp;Outcome</translation>
    </message>
    <message>
        <source>说明(&amp;E)</source>
        <translation>Not&amp;e</translation>
    </message>
    <message>
        <source>信用核查窗口端 Credit Desk</source>
        <translation>Credit Desk</translation>
    </message>
    <message>
        <source>信用核查窗口端</source>
        <translation>Credit Desk</translation>
    </message>
    <message>
        <source>功能页</source>
        <translation>Pages</translation>
    </message>
    <message>
        <source>历史记录</source>
        <translation>History</translation>
    </message>
    <message>
        <source>月度统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>跟踪</source>
        <translation>Watch</translation>
    </message>
    <message>
        <source>待办</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>视图(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>核查代码</source>
        <translation>Check code</translation>
    </message>
    <message>
        <source>记档</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>清除（Esc）</source>
        <translation>Clear (Esc)</translation>
    </message>
    <message>
        <source>到代码输入框（F2）</source>
        <translation>Go to the code field (F2)</translation>
    </message>
    <message>
        <source>选择办事事项</source>
        <translation>Select approval item</translation>
    </message>
    <message>
        <source>到办件编号</source>
        <translation>Go to the case number</translation>
    </message>
    <message>
        <source>到奖惩措施（空格勾选）</source>
        <translation>Go to the measures (Space ticks)</translation>
    </message>
    <message>
        <source>更新离线数据（再按一次取消）</source>
        <translation>Update offline data (press again to cancel)</translation>
    </message>
    <message>
        <source>打印刚记档的记录单</source>
        <translation>Print the sheet of the check just recorded</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>核查页</source>
        <translation>Check page</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>大厅 %1 · 窗口 %2</source>
        <translation>Hall %1 · Window %2</translation>
    </message>
    <message>
        <source>大厅与窗口</source>
        <translation>Hall and window</translation>
    </message>
    <message>
        <source>离线数据版本</source>
        <translation>Offline data version</translation>
    </message>
    <message>
        <source>待上报反馈</source>
        <translation>Feedback waiting for upload</translation>
    </message>
    <message>
        <source>逾期未处理的信用承诺</source>
        <translation>Overdue credit commitments</translation>
    </message>
    <message>
        <source>待处理的跟踪提醒</source>
        <translation>Open watch alerts</translation>
    </message>
    <message>
        <source>打印记录单</source>
        <translation>Print the record sheet</translation>
    </message>
    <message>
        <source>正在打印记录单…（存档 PDF：%1）</source>
        <translation>Printing the record sheet… (archive PDF: %1)</translation>
    </message>
    <message>
        <source>记录单已发送到打印机 %1。存档 PDF：%2</source>
        <translation>The record sheet was sent to printer %1. Archive PDF: %2</translation>
    </message>
    <message>
        <source>记录单未能打印（%1）。</source>
        <translation>The record sheet could not be printed (%1).</translation>
    </message>
    <message>
        <source>记录单已打开，可在阅读器中打印。存档 PDF：%1</source>
        <translation>The record sheet is open: print it from the viewer. Archive PDF: %1</translation>
    </message>
    <message>
        <source>本机没有能打开 PDF 的程序，记录单未能打开。</source>
        <translation>No program on this computer opens PDF files: the record sheet could not be opened.</translation>
    </message>
    <message>
        <source>记录单</source>
        <translation>Record sheet</translation>
    </message>
    <message>
        <source>记录单已保存在：
%1</source>
        <translation>The record sheet is saved at:
%1</translation>
    </message>
    <message>
        <source>打开所在文件夹(&amp;F)</source>
        <translation>Open its &amp;folder</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <source>关于与状态</source>
        <translation>About and status</translation>
    </message>
    <message>
        <source>信用核查窗口端 Credit Desk</source>
        <translation>Credit Desk</translation>
    </message>
    <message>
        <source>重新检测平台</source>
        <translation>Test platform again</translation>
    </message>
    <message>
        <source>版本与状态</source>
        <translation>Versions and status</translation>
    </message>
    <message>
        <source>平台连通情况</source>
        <translation>Platform reachability</translation>
    </message>
    <message>
        <source>正在读取状态…</source>
        <translation>Reading status…</translation>
    </message>
    <message>
        <source>平台：正在检测…</source>
        <translation>Platform: testing…</translation>
    </message>
    <message>
        <source>平台：未配置（仅使用离线数据）</source>
        <translation>Platform: not configured (offline data only)</translation>
    </message>
    <message>
        <source>平台：可以连通，应答 %1 毫秒</source>
        <translation>Platform: reachable, answered in %1 ms</translation>
    </message>
    <message>
        <source>平台：无法连通。%1</source>
        <translation>Platform: not reachable. %1</translation>
    </message>
    <message>
        <source>程序版本</source>
        <translation>Program version</translation>
    </message>
    <message>
        <source>运行环境</source>
        <translation>Runtime</translation>
    </message>
    <message>
        <source>部署配置</source>
        <translation>Deployment config</translation>
    </message>
    <message>
        <source>未配置：使用内置演示数据</source>
        <translation>None: using the built-in demo data</translation>
    </message>
    <message>
        <source>大厅 / 窗口</source>
        <translation>Hall / window</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>数据文件夹</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <source>信任根</source>
        <translation>Trust root</translation>
    </message>
    <message>
        <source>%1 第 %2 版，%3 个密钥中 %4 个签名生效，有效期至 %5</source>
        <translation>%1 version %2, %4 of %3 keys must sign, valid until %5</translation>
    </message>
    <message>
        <source>（演示）</source>
        <translation> (demo)</translation>
    </message>
    <message>
        <source>信任根文件</source>
        <translation>Trust root file</translation>
    </message>
    <message>
        <source>离线数据</source>
        <translation>Offline data</translation>
    </message>
    <message>
        <source>第 %1 版（%2），地区 %3</source>
        <translation>Version %1 (%2), region %3</translation>
    </message>
    <message>
        <source>完整快照</source>
        <translation>full snapshot</translation>
    </message>
    <message>
        <source>增量</source>
        <translation>delta</translation>
    </message>
    <message>
        <source>演示数据 / DEMO DATA</source>
        <translation>DEMO DATA / 演示数据</translation>
    </message>
    <message>
        <source>数据截至</source>
        <translation>Data as of</translation>
    </message>
    <message>
        <source>数据已较旧</source>
        <translation>data is getting old</translation>
    </message>
    <message>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
</context>
<context>
    <name>AccessView</name>
    <message>
        <source>查询留痕（自然人）：谁在何时为何查询，记档与否</source>
        <translation>Access records (natural persons): who looked up whom, when and why, recorded or not</translation>
    </message>
    <message>
        <source>查询留痕</source>
        <translation>Access records</translation>
    </message>
    <message>
        <source>留痕</source>
        <translation>Access</translation>
    </message>
    <message>
        <source>查询时间</source>
        <translation>Looked up at</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>自然人</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>查询用途</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>办事事项</source>
        <translation>Approval item</translation>
    </message>
    <message>
        <source>核查结论</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>数据来源</source>
        <translation>Source</translation>
    </message>
</context>
<context>
    <name>ApprovalLink</name>
    <message>
        <source>审批系统接口已启用（本机端口 %1）。</source>
        <translation>Approval-system API enabled (local port %1).</translation>
    </message>
    <message>
        <source>审批系统接口未启用</source>
        <translation>Approval-system API not enabled</translation>
    </message>
    <message>
        <source>已拒绝审批系统链接</source>
        <translation>Approval-system link refused</translation>
    </message>
    <message>
        <source>审批系统还有 %1 个办件等待核查：记档（或清除）当前结果后自动打开。</source>
        <translation>%1 more cases from the approval system are waiting: the next opens once the current result is recorded (or cleared).</translation>
    </message>
    <message>
        <source>审批系统提交了办件 %1 的核查。</source>
        <translation>The approval system sent a check for case %1.</translation>
    </message>
    <message>
        <source>审批系统要求的办事事项“%1”不在本机事项目录中：未核查。请核对事项编码，或更新离线数据。</source>
        <translation>The approval item &quot;%1&quot; asked for by the approval system is not in this desk&apos;s catalogue: nothing was checked. Check the item code, or update the offline data.</translation>
    </message>
    <message>
        <source>上一次核查结果尚未记档。放弃它并打开审批系统的办件 %1 吗？</source>
        <translation>The last result has not been recorded. Discard it and open case %1 from the approval system?</translation>
    </message>
    <message>
        <source>已将核查记录回传审批系统（办件 %1）。</source>
        <translation>Check record returned to the approval system (case %1).</translation>
    </message>
</context>
<context>
    <name>CheckFlow</name>
    <message>
        <source>正在查询离线数据…</source>
        <translation>Querying the offline data…</translation>
    </message>
    <message>
        <source>正在查询信用平台… %1 秒后改用离线数据</source>
        <translation>Querying the credit platform… offline data in %1 s</translation>
    </message>
    <message>
        <source>信用平台未及时答复，正在改用离线数据…</source>
        <translation>The credit platform did not answer in time; using the offline data…</translation>
    </message>
</context>
<context>
    <name>CheckPage</name>
    <message>
        <source>无法读取办事事项目录：%1</source>
        <translation>Cannot read the catalogue of approval items: %1</translation>
    </message>
    <message>
        <source>上一次核查结果尚未记档。放弃它并核查新代码吗？</source>
        <translation>The previous check has not been recorded. Discard it and check the new code?</translation>
    </message>
    <message>
        <source>查询目的：%1</source>
        <translation>Purpose: %1</translation>
    </message>
    <message>
        <source>核查结果尚未记档。确定清除吗？</source>
        <translation>The check result has not been recorded. Clear it anyway?</translation>
    </message>
    <message>
        <source>未说明查询用途：未查询该自然人。</source>
        <translation>No purpose given: the person was not looked up.</translation>
    </message>
    <message>
        <source>意外错误（%1）。请重试；如仍出现，请联系信息技术人员。</source>
        <translation>Unexpected error (%1). Please try again; if it persists, contact IT staff.</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>更正/后续决定（记录 %1）</source>
        <translation>Correction / later decision (record %1)</translation>
    </message>
    <message>
        <source>针对记录 %1：%2 %3，%4，原办理结果“%5”。原记录保持不变，新决定作为新记录追加。</source>
        <translation>On record %1: %2 %3, %4, original outcome &quot;%5&quot;. The original record stays as it is; the new decision is added as a new record.</translation>
    </message>
    <message>
        <source>办件编号(&amp;N)</source>
        <translation>Case &amp;number</translation>
    </message>
    <message>
        <source>办理结果(&amp;O)</source>
        <translation>&amp;Outcome</translation>
    </message>
    <message>
        <source>执行的措施(&amp;M)</source>
        <translation>Measures applied (&amp;M)</translation>
    </message>
    <message>
        <source>说明/理由(&amp;R)</source>
        <translation>Note / &amp;reason</translation>
    </message>
    <message>
        <source>写明更正或决定的理由；不执行必须执行的措施时必填</source>
        <translation>Reason for the correction or decision; required when a mandated measure is not applied</translation>
    </message>
    <message>
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <source>办理结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>执行的措施</source>
        <translation>Measures applied</translation>
    </message>
    <message>
        <source>说明/理由</source>
        <translation>Note / reason</translation>
    </message>
</context>
<context>
    <name>DeskLock</name>
    <message>
        <source>%1 分钟无操作，已自动锁定。</source>
        <translation>Locked automatically after %1 minutes without activity.</translation>
    </message>
</context>
<context>
    <name>DeskStatusBar</name>
    <message>
        <source>操作员：未登录（Ctrl+Shift+O）</source>
        <translation>Operator: not signed in (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>操作员：%1</source>
        <translation>Operator: %1</translation>
    </message>
    <message>
        <source>（演示模式，无需登录）</source>
        <translation> (demo mode, no sign-in needed)</translation>
    </message>
    <message>
        <source>离线数据：无法读取</source>
        <translation>Offline data: cannot be read</translation>
    </message>
    <message>
        <source>离线数据：无可用数据</source>
        <translation>Offline data: none usable</translation>
    </message>
    <message>
        <source>离线数据 第 %1 版（截至 %2）</source>
        <translation>Offline data v%1 (as of %2)</translation>
    </message>
    <message>
        <source>数据已较旧</source>
        <translation>data is getting old</translation>
    </message>
    <message>
        <source>演示数据 / DEMO DATA</source>
        <translation>DEMO DATA / 演示数据</translation>
    </message>
    <message>
        <source>待上报：%1</source>
        <translation>To upload: %1</translation>
    </message>
    <message>
        <source>待上报：-</source>
        <translation>To upload: -</translation>
    </message>
    <message>
        <source>逾期承诺：%1</source>
        <translation>Overdue commitments: %1</translation>
    </message>
    <message>
        <source>跟踪提醒：%1</source>
        <translation>Watch alerts: %1</translation>
    </message>
</context>
<context>
    <name>DueView</name>
    <message>
        <source>期限</source>
        <translation>Due date</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>承诺</source>
        <translation>Commitment</translation>
    </message>
    <message>
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <source>主体</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>欠缺材料</source>
        <translation>Missing materials</translation>
    </message>
    <message>
        <source>未记录：%1</source>
        <translation>Not recorded: %1</translation>
    </message>
    <message>
        <source>已履约</source>
        <translation>fulfilled</translation>
    </message>
    <message>
        <source>违诺</source>
        <translation>breached</translation>
    </message>
    <message>
        <source>已记录承诺%1：记录 %2（针对记录 %3），将上报省平台。</source>
        <translation>Commitment recorded as %1: record %2 (on record %3); it will be reported to the provincial platform.</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>从(&amp;F)</source>
        <translation>&amp;From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>to</translation>
    </message>
    <message>
        <source>结论(&amp;S)</source>
        <translation>&amp;Status</translation>
    </message>
    <message>
        <source>查找(&amp;C)</source>
        <translation>Fi&amp;nd</translation>
    </message>
    <message>
        <source>代码、代码的一部分、办件编号或名称</source>
        <translation>Code, part of a code, case number or name</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>只看今天的核查（Ctrl+T）</source>
        <translation>Only today&apos;s checks (Ctrl+T)</translation>
    </message>
    <message>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>按条件重新读取办件档案（Ctrl+R）</source>
        <translation>Read the case file again with these filters (Ctrl+R)</translation>
    </message>
    <message>
        <source>重印记录单</source>
        <translation>Reprint sheet</translation>
    </message>
    <message>
        <source>生成记录单 PDF 并用系统阅读器打开，以便打印（Ctrl+P）</source>
        <translation>Create the record sheet PDF and open it in the system viewer for printing (Ctrl+P)</translation>
    </message>
    <message>
        <source>另存为 PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <source>把记录单保存为 PDF 文件（Ctrl+Shift+S）</source>
        <translation>Save the record sheet as a PDF file (Ctrl+Shift+S)</translation>
    </message>
    <message>
        <source>更正/后续决定…</source>
        <translation>Correct / decide…</translation>
    </message>
    <message>
        <source>为所选记录追加一条新的决定记录；原记录保持不变（Ctrl+Shift+D）</source>
        <translation>Add a new decision record for the selected record; the original stays as it is (Ctrl+Shift+D)</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>核查时间</source>
        <translation>Checked at</translation>
    </message>
    <message>
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <source>办事事项</source>
        <translation>Approval item</translation>
    </message>
    <message>
        <source>主体代码</source>
        <translation>Subject code</translation>
    </message>
    <message>
        <source>主体名称</source>
        <translation>Subject name</translation>
    </message>
    <message>
        <source>核查结论</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>数据来源</source>
        <translation>Data source</translation>
    </message>
    <message>
        <source>办理结果</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>核查记录</source>
        <translation>Check records</translation>
    </message>
    <message>
        <source>按代码筛选</source>
        <translation>Filter by code</translation>
    </message>
    <message>
        <source>起始日期晚于结束日期，请调整日期范围。</source>
        <translation>The start date is after the end date; adjust the date range.</translation>
    </message>
    <message>
        <source>正在读取办件档案…</source>
        <translation>Reading the case file…</translation>
    </message>
    <message>
        <source>超过 %1 条记录，只显示最新的 %1 条；请缩小日期范围。</source>
        <translation>More than %1 records; only the newest %1 are shown. Narrow the date range.</translation>
    </message>
    <message>
        <source>共 %1 条记录。</source>
        <translation>%1 records.</translation>
    </message>
    <message>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>演示数据</source>
        <translation>demo data</translation>
    </message>
    <message>
        <source>核查</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>决定（针对记录 %1）</source>
        <translation>Decision (on record %1)</translation>
    </message>
    <message>
        <source>保存记录单</source>
        <translation>Save record sheet</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>正在生成记录单…</source>
        <translation>Creating the record sheet…</translation>
    </message>
    <message>
        <source>记录单已保存：%1</source>
        <translation>Record sheet saved: %1</translation>
    </message>
    <message>
        <source>已记档：记录 %1（针对记录 %2）。</source>
        <translation>Recorded: record %1 (on record %2).</translation>
    </message>
    <message>
        <source>操作失败：%1</source>
        <translation>Failed: %1</translation>
    </message>
</context>
<context>
    <name>LockPanel</name>
    <message>
        <source>窗口已锁定</source>
        <translation>The window is locked</translation>
    </message>
    <message>
        <source>登录解锁(&amp;U)</source>
        <translation>Sign in to &amp;unlock</translation>
    </message>
    <message>
        <source>登录解锁</source>
        <translation>Sign in to unlock</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>请登录后核查。</source>
        <translation>Sign in to check.</translation>
    </message>
    <message>
        <source>更换操作员：请新操作员登录。</source>
        <translation>Switching operator: the new operator signs in.</translation>
    </message>
    <message>
        <source>更换操作员…</source>
        <translation>Change operator…</translation>
    </message>
    <message>
        <source>从U盘导入离线数据…</source>
        <translation>Import offline data from USB…</translation>
    </message>
    <message>
        <source>设置…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>历史记录</source>
        <translation>History</translation>
    </message>
    <message>
        <source>月度统计</source>
        <translation>Monthly statistics</translation>
    </message>
    <message>
        <source>待办（信用承诺）</source>
        <translation>Due (credit commitments)</translation>
    </message>
    <message>
        <source>关于与状态…</source>
        <translation>About and status…</translation>
    </message>
    <message>
        <source>跟踪提醒</source>
        <translation>Watch alerts</translation>
    </message>
    <message>
        <source>设置已保存。</source>
        <translation>Settings saved.</translation>
    </message>
    <message>
        <source>还没有记档的核查，无记录单可打印。</source>
        <translation>No check has been recorded yet; there is no record sheet to print.</translation>
    </message>
    <message>
        <source>正在生成记录单…</source>
        <translation>Creating the record sheet…</translation>
    </message>
    <message>
        <source>记录单未能生成：%1</source>
        <translation>The record sheet could not be created: %1</translation>
    </message>
    <message>
        <source>正在写入办件档案：写完后退出。</source>
        <translation>Writing to the case file: the window closes once it is written.</translation>
    </message>
    <message>
        <source>当前核查结果尚未记档。仍要退出吗？</source>
        <translation>The current check has not been recorded. Quit anyway?</translation>
    </message>
</context>
<context>
    <name>PlatformSync</name>
    <message>
        <source>篡改警报：平台拒收记录 %1（与本机此前上报的档案链冲突），请联系信息技术人员。</source>
        <translation>Tamper alarm: the platform refused record %1 (it contradicts the chain this desk uploaded before); call IT.</translation>
    </message>
    <message>
        <source>篡改警报：记录 %1 已不是写入时的内容，其反馈不上报，请联系信息技术人员。</source>
        <translation>Tamper alarm: record %1 is no longer what was written; its feedback is not reported; call IT.</translation>
    </message>
    <message>
        <source>已取消更新离线数据；正在使用的数据未改变。</source>
        <translation>Offline data update cancelled; the data in use is unchanged.</translation>
    </message>
    <message>
        <source>下载</source>
        <translation>Downloading</translation>
    </message>
    <message>
        <source>校验</source>
        <translation>Verifying</translation>
    </message>
    <message>
        <source>正在更新离线数据：%1 %2（Ctrl+Shift+U 取消）</source>
        <translation>Updating offline data: %1 %2 (Ctrl+Shift+U cancels)</translation>
    </message>
    <message>
        <source>离线数据已更新到第 %1 版。</source>
        <translation>Offline data updated to version %1.</translation>
    </message>
    <message>
        <source>离线数据已是最新（第 %1 版）。</source>
        <translation>Offline data is up to date (version %1).</translation>
    </message>
    <message>
        <source>离线数据未更新：%1</source>
        <translation>Offline data not updated: %1</translation>
    </message>
    <message>
        <source>正在更新离线数据…（Ctrl+Shift+U 取消）</source>
        <translation>Updating offline data… (Ctrl+Shift+U cancels)</translation>
    </message>
</context>
<context>
    <name>PurposeDialog</name>
    <message>
        <source>查询用途</source>
        <translation>Purpose</translation>
    </message>
    <message>
        <source>核查自然人 %1 须说明查询用途：授权书编号或履职依据。本次查询将以您的工号记入查询留痕。</source>
        <translation>Looking up the natural person %1 needs a purpose: an authorisation number or the legal duty. This lookup is kept in the access records under your operator id.</translation>
    </message>
    <message>
        <source>查询用途(&amp;P)</source>
        <translation>&amp;Purpose</translation>
    </message>
    <message>
        <source>如：授权书 SQ-2026-0042，或 依法履职：行政许可审查</source>
        <translation>e.g. authorisation SQ-2026-0042, or legal duty: licence review</translation>
    </message>
</context>
<context>
    <name>RecordPanel</name>
    <message>
        <source>“%1”是必须执行的措施。如确不执行，请先在说明中写明理由，再取消勾选。</source>
        <translation>&quot;%1&quot; is a mandated measure. If it really is not applied, write the reason in the note first, then untick it.</translation>
    </message>
    <message>
        <source>记档须填写办件编号（Alt+N）。</source>
        <translation>A record needs the case number (Alt+N).</translation>
    </message>
    <message>
        <source>已记入办件档案：记录 %1%2。可扫描下一个代码；Ctrl+P 打印记录单。</source>
        <translation>Recorded in the case file: record %1%2. Scan the next code; Ctrl+P prints the record sheet.</translation>
    </message>
    <message>
        <source>记为“未能核实”(&amp;R)  Ctrl+Enter</source>
        <translation>&amp;Record as &quot;unverified&quot;  Ctrl+Enter</translation>
    </message>
    <message>
        <source>本机暂停记档：%1</source>
        <translation>Recording paused on this desk: %1</translation>
    </message>
    <message>
        <source>记档(&amp;R)  Ctrl+Enter</source>
        <translation>&amp;Record  Ctrl+Enter</translation>
    </message>
    <message>
        <source>核查时未选择办事事项，现已选择“%1”：请按 F5 重新核查后再记档。</source>
        <translation>No item was selected for this check; “%1” is selected now: press F5 to check again before recording.</translation>
    </message>
    <message>
        <source>此结果是按事项“%1”核查的，现在选择的是“%2”：请按 F5 重新核查后再记档。</source>
        <translation>This result was checked for item “%1”, but “%2” is selected now: press F5 to check again before recording.</translation>
    </message>
    <message>
        <source>（未选择）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>不作承诺</source>
        <translation>No commitment</translation>
    </message>
    <message>
        <source>信用承诺：%1</source>
        <translation>Credit commitment: %1</translation>
    </message>
    <message>
        <source>请先输入您的工号（Ctrl+Shift+O），再记档。</source>
        <translation>Enter your operator number first (Ctrl+Shift+O), then record.</translation>
    </message>
    <message>
        <source>代码栏里已是另一个代码 %1，屏幕上的结果是 %2 的：请按回车核查新代码；要记档屏幕上的结果，先清空代码栏。</source>
        <translation>The code field now holds another code, %1, but the result on screen is for %2: press Enter to check the new code; to record the result on screen, empty the code field first.</translation>
    </message>
    <message>
        <source>请选择办理结果（Alt+O）后再记档。</source>
        <translation>Choose the outcome (Alt+O), then record.</translation>
    </message>
    <message>
        <source>核查自然人（身份证号码）须填写办件编号，以说明查询用途。</source>
        <translation>Checking a natural person (identity number) requires a case number stating the purpose of the query.</translation>
    </message>
    <message>
        <source>正在写入办件档案…</source>
        <translation>Writing to the case file…</translation>
    </message>
    <message>
        <source>，办件 %1</source>
        <translation>, case %1</translation>
    </message>
    <message>
        <source>未记档：%1</source>
        <translation>Not recorded: %1</translation>
    </message>
</context>
<context>
    <name>RelatedCheck</name>
    <message>
        <source>上一次核查结果尚未记档。放弃它并核查%1 %2（%3）吗？</source>
        <translation>The last check result has not been recorded. Discard it and check %1 %2 (%3)?</translation>
    </message>
</context>
<context>
    <name>ResultPanel</name>
    <message>
        <source>未查询：请核对代码后重新扫描或输入。</source>
        <translation>Not queried: check the code, then scan or type it again.</translation>
    </message>
    <message>
        <source>未选择办事事项：不显示奖惩措施，记档前请先选择事项。</source>
        <translation>No approval item selected: no measures are shown. Select the item before recording.</translation>
    </message>
    <message>
        <source>（数据中无此主体）</source>
        <translation>(subject not in the data)</translation>
    </message>
    <message>
        <source>自然人</source>
        <translation>Natural person</translation>
    </message>
    <message>
        <source>组织机构</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>事项：%1（%2）</source>
        <translation>Item: %1 (%2)</translation>
    </message>
    <message>
        <source>事项：%1</source>
        <translation>Item: %1</translation>
    </message>
    <message>
        <source>（单位 %1 的%2）</source>
        <translation> (%2 of unit %1)</translation>
    </message>
    <message>
        <source>未能核实：平台和离线数据都无法给出结论。</source>
        <translation>Unverified: neither the platform nor the offline data could give an answer.</translation>
    </message>
    <message>
        <source>在线：省信用平台，数据截至 %1</source>
        <translation>Online: provincial credit platform, data as of %1</translation>
    </message>
    <message>
        <source>（平台数据已较旧，请告知信息技术人员）</source>
        <translation> (the platform&apos;s data is old: tell IT)</translation>
    </message>
    <message>
        <source>离线数据 第 %1 版，数据截至 %2</source>
        <translation>Offline data version %1, data as of %2</translation>
    </message>
    <message>
        <source>（数据已较旧，请尽快更新离线数据）</source>
        <translation> (data is getting old, update the offline data soon)</translation>
    </message>
    <message>
        <source>演示数据 / DEMO DATA</source>
        <translation>DEMO DATA / 演示数据</translation>
    </message>
    <message>
        <source>核查时间 %1</source>
        <translation>Checked at %1</translation>
    </message>
    <message>
        <source>未发现名单信息</source>
        <translation>No list entries</translation>
    </message>
    <message>
        <source>对象：%1</source>
        <translation>Binds: %1</translation>
    </message>
    <message>
        <source>效果：%1</source>
        <translation>Effect: %1</translation>
    </message>
    <message>
        <source>全国失信惩戒措施基础清单：%1</source>
        <translation>National basic list of punishment measures: %1</translation>
    </message>
    <message>
        <source>%1 条记录异议处理中：须告知申请人；异议处理完毕前，不据此执行必须执行的惩戒措施。</source>
        <translation>%1 entries are under objection: tell the applicant; until the objection is decided, no mandated punishment is taken on them.</translation>
    </message>
    <message>
        <source>身份</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>身份证号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>名单记录</source>
        <translation>List entries</translation>
    </message>
    <message>
        <source>无固定期限</source>
        <translation>No fixed term</translation>
    </message>
    <message>
        <source>（%1 均规定此措施）</source>
        <translation>(required by each of: %1)</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>惩戒</source>
        <translation>Punishment</translation>
    </message>
    <message>
        <source>激励</source>
        <translation>Incentive</translation>
    </message>
    <message>
        <source>不适用：对象为%1</source>
        <translation>Not applicable: binds %1</translation>
    </message>
    <message>
        <source>必须执行</source>
        <translation>Mandatory</translation>
    </message>
    <message>
        <source>可选</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>法律依据：%1</source>
        <translation>Legal basis: %1</translation>
    </message>
    <message>
        <source>下表列出 %1 条已信用修复、已到期或已移出的记录：仅供了解，不构成命中，不据此采取惩戒措施。</source>
        <translation>The table lists %1 repaired, lapsed or removed entries: for information only; they are not a hit and no punishment is taken on them.</translation>
    </message>
    <message>
        <source>名单：%1</source>
        <translation>List: %1</translation>
    </message>
    <message>
        <source>名单</source>
        <translation>List</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>认定部门</source>
        <translation>Listed by</translation>
    </message>
    <message>
        <source>列入日期</source>
        <translation>Listed on</translation>
    </message>
    <message>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>依据</source>
        <translation>Basis</translation>
    </message>
    <message>
        <source>执行</source>
        <translation>Apply</translation>
    </message>
    <message>
        <source>性质</source>
        <translation>Nature</translation>
    </message>
    <message>
        <source>措施内容</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>要求</source>
        <translation>Requirement</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>未配置</source>
        <translation>Not configured</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>No limit</translation>
    </message>
    <message>
        <source>信用平台</source>
        <translation>Credit platform</translation>
    </message>
    <message>
        <source>无（使用内置演示数据）</source>
        <translation>None (built-in demo data)</translation>
    </message>
    <message>
        <source>未配置（仅离线）</source>
        <translation>Not configured (offline only)</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>本机设置（可修改）</source>
        <translation>This machine (you may change)</translation>
    </message>
    <message>
        <source>字号(&amp;Z)</source>
        <translation>Font si&amp;ze</translation>
    </message>
    <message>
        <source>提示音(&amp;S)</source>
        <translation>&amp;Sounds</translation>
    </message>
    <message>
        <source>界面语言(&amp;L)</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>命中失信名单时播放提示音</source>
        <translation>Play a sound on a black-list hit</translation>
    </message>
    <message>
        <source>字号</source>
        <translation>Font size</translation>
    </message>
    <message>
        <source>提示音</source>
        <translation>Sounds</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>部署设置（只读，由信息技术人员配置）</source>
        <translation>Deployment (read-only, set by IT staff)</translation>
    </message>
    <message>
        <source>配置文件</source>
        <translation>Config file</translation>
    </message>
    <message>
        <source>平台地址</source>
        <translation>Platform address</translation>
    </message>
    <message>
        <source>应用标识</source>
        <translation>App key</translation>
    </message>
    <message>
        <source>核查时限（秒）</source>
        <translation>Check deadline (s)</translation>
    </message>
    <message>
        <source>大厅</source>
        <translation>Hall</translation>
    </message>
    <message>
        <source>窗口</source>
        <translation>Window</translation>
    </message>
    <message>
        <source>信任根</source>
        <translation>Trust root</translation>
    </message>
    <message>
        <source>数据较旧提示（小时）</source>
        <translation>Old data warning (hours)</translation>
    </message>
    <message>
        <source>最长可用（小时）</source>
        <translation>Maximum data age (hours)</translation>
    </message>
    <message>
        <source>离线数据更新来源</source>
        <translation>Offline data update source</translation>
    </message>
    <message>
        <source>数据文件夹</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <source>平台密钥保存在系统密钥库中，不在此显示。</source>
        <translation>The platform secret is kept in the system keyring and is not shown here.</translation>
    </message>
    <message>
        <source>无法保存设置：%1</source>
        <translation>Cannot save the settings: %1</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>操作员登录</source>
        <translation>Operator sign-in</translation>
    </message>
    <message>
        <source>演示模式无需登录：工号只用于记档，不作身份验证。请输入您的工号，本机会记住它。</source>
        <translation>Demo mode needs no sign-in: the operator id only goes into the records and is not verified. Enter your operator id; this computer remembers it.</translation>
    </message>
    <message>
        <source>请输入工号和密码，向信用平台登录。平台不可用时，可用最近一次在线登录过的工号和密码离线登录。</source>
        <translation>Enter your operator id and password to sign in with the credit platform. When the platform is unavailable, an operator who signed in online recently can sign in offline with the same password.</translation>
    </message>
    <message>
        <source>操作员由本机操作系统账户决定（部署配置 [operators.os_map]）。</source>
        <translation>The operator is this computer&apos;s OS account (deployment config [operators.os_map]).</translation>
    </message>
    <message>
        <source>工号(&amp;O)</source>
        <translation>&amp;Operator id</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Operator id</translation>
    </message>
    <message>
        <source>密码(&amp;P)</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>无法保存工号：%1</source>
        <translation>Cannot save the operator id: %1</translation>
    </message>
    <message>
        <source>登录失败：%1</source>
        <translation>Sign-in failed: %1</translation>
    </message>
</context>
<context>
    <name>SnapshotImportDialog</name>
    <message>
        <source>导入离线数据</source>
        <translation>Import offline data</translation>
    </message>
    <message>
        <source>快照位置</source>
        <translation>Snapshot location</translation>
    </message>
    <message>
        <source>选择文件夹…</source>
        <translation>Choose folder…</translation>
    </message>
    <message>
        <source>校验并导入(&amp;V)</source>
        <translation>&amp;Verify and import</translation>
    </message>
    <message>
        <source>回车或 Alt+V</source>
        <translation>Enter or Alt+V</translation>
    </message>
    <message>
        <source>取消导入</source>
        <translation>Cancel import</translation>
    </message>
    <message>
        <source>校验进度</source>
        <translation>Verification progress</translation>
    </message>
    <message>
        <source>校验结论</source>
        <translation>Verification verdict</translation>
    </message>
    <message>
        <source>选择快照所在文件夹</source>
        <translation>Choose the snapshot folder</translation>
    </message>
    <message>
        <source>选择U盘或共享文件夹中省平台发布的快照文件夹（含 metadata 与 targets），或其 metadata 中的 .json 文件。导入前会校验签名、版本、有效期和数据完整性；校验不通过时本机数据保持不变。</source>
        <translation>Choose the snapshot folder the provincial platform published (with metadata and targets) on the USB stick or file share, or a .json file in its metadata folder. Signatures, versions, expiry and data integrity are verified before import; if verification fails, the data on this machine stays as it was.</translation>
    </message>
    <message>
        <source>快照文件夹或其元数据文件</source>
        <translation>Snapshot folder or one of its metadata files</translation>
    </message>
    <message>
        <source>选择元数据文件…</source>
        <translation>Choose metadata file…</translation>
    </message>
    <message>
        <source>选择快照元数据</source>
        <translation>Choose snapshot metadata</translation>
    </message>
    <message>
        <source>快照元数据 (*.json)</source>
        <translation>Snapshot metadata (*.json)</translation>
    </message>
    <message>
        <source>正在校验…</source>
        <translation>Verifying…</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>导入失败：%1。本机离线数据保持不变。</source>
        <translation>Import failed: %1. The offline data on this machine is unchanged.</translation>
    </message>
    <message>
        <source>已取消导入，本机离线数据保持不变。</source>
        <translation>Import cancelled; the offline data on this machine is unchanged.</translation>
    </message>
    <message>
        <source>已拒绝：%1
本机离线数据保持不变。</source>
        <translation>Refused: %1
The offline data on this machine is unchanged.</translation>
    </message>
    <message>
        <source>校验通过：本机已是第 %1 版，无需导入。</source>
        <translation>Verified: this machine already has version %1; nothing to import.</translation>
    </message>
    <message>
        <source>校验通过，已导入离线数据第 %1 版，数据截至 %2。</source>
        <translation>Verified and imported offline data version %1, data as of %2.</translation>
    </message>
</context>
<context>
    <name>StatsView</name>
    <message>
        <source>月份(&amp;M)</source>
        <translation>&amp;Month</translation>
    </message>
    <message>
        <source>上个月（Alt+←）</source>
        <translation>Previous month (Alt+Left)</translation>
    </message>
    <message>
        <source>上个月</source>
        <translation>Previous month</translation>
    </message>
    <message>
        <source>下个月（Alt+→）</source>
        <translation>Next month (Alt+Right)</translation>
    </message>
    <message>
        <source>下个月</source>
        <translation>Next month</translation>
    </message>
    <message>
        <source>导出 CSV…</source>
        <translation>Export CSV…</translation>
    </message>
    <message>
        <source>把本月统计导出为 CSV 表格（Ctrl+E）</source>
        <translation>Export this month&apos;s statistics as a CSV table (Ctrl+E)</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Figure</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Count</translation>
    </message>
    <message>
        <source>月度统计表</source>
        <translation>Monthly statistics table</translation>
    </message>
    <message>
        <source>月度统计图</source>
        <translation>Monthly statistics chart</translation>
    </message>
    <message>
        <source>正在统计 %1…</source>
        <translation>Counting %1…</translation>
    </message>
    <message>
        <source>统计失败：%1</source>
        <translation>Statistics failed: %1</translation>
    </message>
    <message>
        <source>未能核实</source>
        <translation>Unverified</translation>
    </message>
    <message>
        <source>办理结果：%1</source>
        <translation>Outcome: %1</translation>
    </message>
    <message>
        <source>执行措施 %1：%2</source>
        <translation>Measure applied %1: %2</translation>
    </message>
    <message>
        <source>%1 月度统计：共 %2 次核查</source>
        <translation>%1 statistics: %2 checks</translation>
    </message>
    <message>
        <source>核查</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>导出月度统计</source>
        <translation>Export monthly statistics</translation>
    </message>
    <message>
        <source>CSV 表格 (*.csv)</source>
        <translation>CSV tables (*.csv)</translation>
    </message>
    <message>
        <source>已导出：%1</source>
        <translation>Exported: %1</translation>
    </message>
</context>
<context>
    <name>StatusBadge</name>
    <message>
        <source>核查结果状态</source>
        <translation>Check result status</translation>
    </message>
    <message>
        <source>请扫描或输入统一社会信用代码</source>
        <translation>Scan or type a unified social credit code</translation>
    </message>
    <message>
        <source>正在核查…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>代码无效，未查询：%1</source>
        <translation>Invalid code, not queried: %1</translation>
    </message>
    <message>
        <source>异议处理中：%1</source>
        <translation>Objection pending: %1</translation>
    </message>
    <message>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>无有效名单记录</source>
        <translation>No entry in force</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>UnrecordedPrompt</name>
    <message>
        <source>尚未记档</source>
        <translation>Not recorded</translation>
    </message>
    <message>
        <source>尚未记档提示</source>
        <translation>Not recorded warning</translation>
    </message>
    <message>
        <source>放弃并继续(&amp;Y)</source>
        <translation>&amp;Discard and continue</translation>
    </message>
    <message>
        <source>返回记档(&amp;N)</source>
        <translation>&amp;Back to recording</translation>
    </message>
</context>
<context>
    <name>WatchView</name>
    <message>
        <source>变化(&amp;K)</source>
        <translation>Chan&amp;ge</translation>
    </message>
    <message>
        <source>提出时间(&amp;G)</source>
        <translation>Raise&amp;d</translation>
    </message>
    <message>
        <source>重新比对</source>
        <translation>Compare again</translation>
    </message>
    <message>
        <source>用已安装的数据和平台变化通知重新比对已办结的核查（Ctrl+R）</source>
        <translation>Compare the recorded checks again with the installed data and the platform&apos;s change feed (Ctrl+R)</translation>
    </message>
    <message>
        <source>处理(&amp;A)</source>
        <translation>&amp;Action</translation>
    </message>
    <message>
        <source>含已处理和已取代(&amp;W)</source>
        <translation>Include settled and superseded (&amp;W)</translation>
    </message>
    <message>
        <source>也列出已登记处理的提醒，以及其变化已被更新的数据撤回的提醒</source>
        <translation>Also list the alerts already settled, and those whose change newer data took back</translation>
    </message>
    <message>
        <source>说明(&amp;N)</source>
        <translation>&amp;Note</translation>
    </message>
    <message>
        <source>做了什么（必填）；回车或 Ctrl+Enter 登记</source>
        <translation>What was done (required); Enter or Ctrl+Enter records it</translation>
    </message>
    <message>
        <source>登记跟踪处理</source>
        <translation>Record follow-up</translation>
    </message>
    <message>
        <source>在原记录上登记一条跟踪处理记录，并上报省平台（Ctrl+Enter）</source>
        <translation>Record a follow-up on the original record and report it to the provincial platform (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>7 天内</source>
        <translation>Within 7 days</translation>
    </message>
    <message>
        <source>30 天内</source>
        <translation>Within 30 days</translation>
    </message>
    <message>
        <source>超过 30 天</source>
        <translation>Over 30 days</translation>
    </message>
    <message>
        <source>提出时间</source>
        <translation>Raised</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>办件编号</source>
        <translation>Case number</translation>
    </message>
    <message>
        <source>办事事项</source>
        <translation>Approval item</translation>
    </message>
    <message>
        <source>主体代码</source>
        <translation>Subject code</translation>
    </message>
    <message>
        <source>主体名称</source>
        <translation>Subject name</translation>
    </message>
    <message>
        <source>变化</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>名单条目</source>
        <translation>List entry</translation>
    </message>
    <message>
        <source>原状态 → 现状态</source>
        <translation>Then → now</translation>
    </message>
    <message>
        <source>档案校验</source>
        <translation>Case file check</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>跟踪提醒</source>
        <translation>Watch alerts</translation>
    </message>
    <message>
        <source>跟踪处理说明</source>
        <translation>Follow-up note</translation>
    </message>
    <message>
        <source>跟踪处理方式</source>
        <translation>Follow-up action</translation>
    </message>
    <message>
        <source>停止比对</source>
        <translation>Stop comparing</translation>
    </message>
    <message>
        <source>停止正在进行的比对（Esc）；已有的提醒不变</source>
        <translation>Stop the comparison under way (Esc); the alerts already raised stay</translation>
    </message>
    <message>
        <source>正在比对已办结的核查…</source>
        <translation>Comparing the recorded checks…</translation>
    </message>
    <message>
        <source>已停止比对；已有的跟踪提醒不变。按 Ctrl+R 重新比对。</source>
        <translation>Comparison stopped; the alerts already raised stay. Press Ctrl+R to compare again.</translation>
    </message>
    <message>
        <source>正在整理办件档案中的核查（首次比对）… %1/%2</source>
        <translation>Indexing the checks in the case file (first comparison)… %1/%2</translation>
    </message>
    <message>
        <source>正在比对已办结的核查… %1/%2</source>
        <translation>Comparing the recorded checks… %1/%2</translation>
    </message>
    <message>
        <source>%1 中 %2 条记录的主体数据与签署的分组表不符（数据文件被改动过），未能比对：%3。请重新导入快照。</source>
        <translation>In %1 the rows of %2 recorded subjects differ from the signed bucket table (the data file was altered); not compared: %3. Import the snapshot again.</translation>
    </message>
    <message>
        <source>待处理的跟踪提醒 %1 条。</source>
        <translation>%1 open watch alerts.</translation>
    </message>
    <message>
        <source>本次新增 %1 条。</source>
        <translation>%1 new this time.</translation>
    </message>
    <message>
        <source>%1 条提醒已被更新的数据取代，不再待处理（原因见 credit-desk cases watch --all）。</source>
        <translation>%1 alert(s) superseded by newer data, no longer open (the reasons: credit-desk cases watch --all).</translation>
    </message>
    <message>
        <source>未能比对：%1</source>
        <translation>Could not compare: %1</translation>
    </message>
    <message>
        <source>完好</source>
        <translation>Intact</translation>
    </message>
    <message>
        <source>未通过，不能登记处理</source>
        <translation>Failed: no follow-up can be recorded</translation>
    </message>
    <message>
        <source>已处理</source>
        <translation>Settled</translation>
    </message>
    <message>
        <source>已被更新的数据取代</source>
        <translation>Superseded by newer data</translation>
    </message>
    <message>
        <source>待处理</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>已处理：%1，%2，%3，记录 %4：%5</source>
        <translation>Settled: %1, %2, %3, record %4: %5</translation>
    </message>
    <message>
        <source>已被更新的数据取代（%1）：%2</source>
        <translation>Superseded by newer data (%1): %2</translation>
    </message>
    <message>
        <source>该记录未通过档案校验（cases verify），不能在其上登记处理。</source>
        <translation>This record fails the case file check (cases verify); no follow-up can be recorded on it.</translation>
    </message>
    <message>
        <source>该提醒的记录未通过档案校验，不能登记处理；请管理员先运行 cases verify。</source>
        <translation>This alert&apos;s record fails the case file check; no follow-up can be recorded. Ask an administrator to run cases verify first.</translation>
    </message>
    <message>
        <source>请在说明中写明做了什么，再登记。</source>
        <translation>Write in the note what was done, then record.</translation>
    </message>
    <message>
        <source>已登记跟踪处理：记录 %1，将上报省平台。</source>
        <translation>Follow-up recorded: record %1; it will be reported to the provincial platform.</translation>
    </message>
    <message>
        <source>未登记：%1</source>
        <translation>Not recorded: %1</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>无法启动信用核查窗口端</source>
        <translation>Credit Desk cannot start</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <source>准予办理</source>
        <translation>Approved</translation>
    </message>
    <message>
        <source>容缺/附条件办理</source>
        <translation>Approved with conditions / pending documents</translation>
    </message>
    <message>
        <source>不予办理</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <source>暂缓办理</source>
        <translation>Deferred</translation>
    </message>
    <message>
        <source>移交核实</source>
        <translation>Referred for verification</translation>
    </message>
    <message>
        <source>未发现名单记录</source>
        <translation>No list entry found</translation>
    </message>
    <message>
        <source>命中名单</source>
        <translation>List hit</translation>
    </message>
    <message>
        <source>未能核实</source>
        <translation>Unverified</translation>
    </message>
    <message>
        <source>信用平台</source>
        <translation>Credit platform</translation>
    </message>
    <message>
        <source>离线数据</source>
        <translation>Offline data</translation>
    </message>
    <message>
        <source>失信惩戒对象</source>
        <translation>Black list (untrustworthy)</translation>
    </message>
    <message>
        <source>重点关注对象</source>
        <translation>Focus list</translation>
    </message>
    <message>
        <source>守信激励对象</source>
        <translation>Red list (trustworthy)</translation>
    </message>
    <message>
        <source>有效</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>已到期</source>
        <translation>Lapsed</translation>
    </message>
    <message>
        <source>异议处理中</source>
        <translation>Under objection</translation>
    </message>
    <message>
        <source>已信用修复</source>
        <translation>Credit repaired</translation>
    </message>
    <message>
        <source>已移出/已删除</source>
        <translation>Removed / deleted</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>自然人</source>
        <translation>Natural person</translation>
    </message>
    <message>
        <source>法定代表人</source>
        <translation>Legal representative</translation>
    </message>
    <message>
        <source>主要负责人、直接责任人</source>
        <translation>Principal or directly responsible person</translation>
    </message>
    <message>
        <source>所有被核查主体</source>
        <translation>Whoever is checked</translation>
    </message>
    <message>
        <source>限制/从严审核</source>
        <translation>Restriction / stricter review</translation>
    </message>
    <message>
        <source>按一般程序办理</source>
        <translation>General procedure</translation>
    </message>
    <message>
        <source>激励（自愿适用）</source>
        <translation>Incentive (applicant&apos;s choice)</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Information</translation>
    </message>
    <message>
        <source>法律</source>
        <translation>Law</translation>
    </message>
    <message>
        <source>行政法规</source>
        <translation>Administrative regulation</translation>
    </message>
    <message>
        <source>地方性法规</source>
        <translation>Local regulation</translation>
    </message>
    <message>
        <source>党中央、国务院政策文件</source>
        <translation>Central Party / State Council policy document</translation>
    </message>
    <message>
        <source>部门规章/规范性文件</source>
        <translation>Departmental rule / normative document</translation>
    </message>
    <message>
        <source>合作备忘录</source>
        <translation>Cooperation memorandum</translation>
    </message>
    <message>
        <source>案卷文件 {file} 不见了：见证文件 {witness} 记载它已有 {count} 条记录。不会新建空白案卷，请联系信息技术人员从备份（credit-desk cases backup）恢复。</source>
        <translation>The case file {file} is missing: its witness {witness} records {count} records. No blank case file is created; ask IT to restore it from a backup (credit-desk cases backup).</translation>
    </message>
    <message>
        <source>案卷文件 {file} 在本程序打开期间被替换或删除：此后的记录将写不进该路径下的案卷。请联系信息技术人员核对（credit-desk cases verify）或从备份恢复，然后重新启动本程序。</source>
        <translation>The case file {file} was replaced or deleted while this program had it open: further records would not reach the case file at that path. Ask IT to check it (credit-desk cases verify) or restore it from a backup, then restart this program.</translation>
    </message>
    <message>
        <source>案卷的见证文件 {file} 不见了，无法确认案卷是否完整。请联系信息技术人员从备份恢复。</source>
        <translation>The case file witness {file} is missing, so the case file cannot be confirmed complete. Ask IT to restore from a backup.</translation>
    </message>
    <message>
        <source>案卷的见证文件 {file} 已损坏，无法确认案卷是否完整。请联系信息技术人员从备份恢复。</source>
        <translation>The case file witness {file} is damaged, so the case file cannot be confirmed complete. Ask IT to restore from a backup.</translation>
    </message>
    <message>
        <source>档案校验发现案卷 {file} 被改动：{problem}</source>
        <translation>Verification found the case file {file} altered: {problem}</translation>
    </message>
    <message>
        <source>不能按现状确认：案卷本身未通过校验（{problem}）。请从备份恢复。</source>
        <translation>Cannot accept the case file as it is: it fails verification itself ({problem}). Restore it from a backup.</translation>
    </message>
    <message>
        <source>本机暂停记档：{problem} 在信息技术人员恢复备份或确认现状（credit-desk cases verify --accept）之前，不再向该案卷写入记录；已有记录仍可查看。</source>
        <translation>Recording paused on this desk: {problem} Nothing more is written to this case file until IT restores a backup or accepts it as it is (credit-desk cases verify --accept); existing records can still be viewed.</translation>
    </message>
    <message>
        <source>本机暂停记档，也不能查询自然人：{problem} 每次查询自然人都须在案卷中留下查询留痕；在信息技术人员恢复备份或确认现状（credit-desk cases verify --accept）之前，不查询、不显示自然人，也不显示列出法定代表人、主要负责人的单位核查结果。已有记录仍可查看。</source>
        <translation>Recording is stopped on this desk, and so are lookups of natural persons: {problem} Every lookup of a natural person must leave an access record in the case file; until IT restores a backup or accepts the file as it is (credit-desk cases verify --accept), no natural person is looked up or shown, nor a unit&apos;s result listing its legal representative or principal. Existing records can still be viewed.</translation>
    </message>
    <message>
        <source>跟踪处理须在说明中写明做了什么。</source>
        <translation>A follow-up needs a note saying what was done.</translation>
    </message>
    <message>
        <source>办件档案中没有记录 {id}。</source>
        <translation>The case file has no record {id}.</translation>
    </message>
    <message>
        <source>承诺的处理只能是 fulfilled（已履约）或 breached（违诺）。</source>
        <translation>A commitment can only be settled as fulfilled or breached.</translation>
    </message>
    <message>
        <source>记录违诺须在说明中写明核查发现的情况。</source>
        <translation>To record a breach, state in the note what the verification found.</translation>
    </message>
    <message>
        <source>记录 {id} 没有信用承诺。</source>
        <translation>Record {id} carries no credit commitment.</translation>
    </message>
    <message>
        <source>记录 {id} 的承诺已处理（{state}），不能再次处理。</source>
        <translation>The commitment on record {id} is already settled ({state}); it cannot be settled again.</translation>
    </message>
    <message>
        <source>记录 {id} 未通过档案校验（{problem}），不能在其上登记承诺的履约或违诺。请先由管理员运行 credit-desk cases verify 查明原因。</source>
        <translation>Record {id} fails the case file check ({problem}); no fulfilment or breach of its commitment can be recorded on it. Have an administrator run credit-desk cases verify to find out why.</translation>
    </message>
    <message>
        <source>记档须先选择办事事项。</source>
        <translation>Select an approval item before recording.</translation>
    </message>
    <message>
        <source>核查自然人（身份证号码）须填写办件编号，以说明查询用途。</source>
        <translation>Checking a natural person (identity number) requires a case number stating the purpose of the query.</translation>
    </message>
    <message>
        <source>请选择办理结果（本次核查不预设办理结果，由经办人核实后决定）。</source>
        <translation>Choose an outcome (none is preset for this check: decide after verifying).</translation>
    </message>
    <message>
        <source>未知的办理结果“{outcome}”，可选：{choices}。</source>
        <translation>Unknown outcome &quot;{outcome}&quot;; choose one of: {choices}.</translation>
    </message>
    <message>
        <source>措施 {ids} 不在本次核查给出的措施中。</source>
        <translation>Measure(s) {ids} were not among the measures shown by this check.</translation>
    </message>
    <message>
        <source>必须执行的措施未执行：{measures}。请在说明中写明理由。</source>
        <translation>Mandated measures not applied: {measures}. Write the reason in the note.</translation>
    </message>
    <message>
        <source>本次核查未能核实，记为“{outcome}”须在说明中写明依据。</source>
        <translation>This check is unverified; recording it as &quot;{outcome}&quot; requires the grounds in the note.</translation>
    </message>
    <message>
        <source>数据中无此主体，记为“{outcome}”须在说明中写明已核对代码（如核对了营业执照原件）。</source>
        <translation>The data does not know this subject: recording “{outcome}” needs a note saying the code was verified (e.g. against the original licence).</translation>
    </message>
    <message>
        <source>核查记录未保存：案卷文件夹 {folder} 只读或没有写入权限。核查结果仍保留，请联系信息技术人员恢复该文件夹的写入权限后重新记录。</source>
        <translation>The check was not recorded: the case folder {folder} is read-only or not writable. The result is kept; ask IT staff to restore write access, then record again.</translation>
    </message>
    <message>
        <source>核查记录未保存：案卷文件夹 {folder} 所在磁盘已满。核查结果仍保留，请清理该磁盘空间（或联系信息技术人员）后重新记录。</source>
        <translation>The check was not recorded: the disk of the case folder {folder} is full. The result is kept; free some disk space (or ask IT staff), then record again.</translation>
    </message>
    <message>
        <source>核查记录未保存：案卷文件 {folder} 正被其他程序占用。核查结果仍保留，请稍候重新记录。</source>
        <translation>The check was not recorded: the case file {folder} is in use by another program. The result is kept; record again in a moment.</translation>
    </message>
    <message>
        <source>核查记录未保存：无法可靠写入案卷文件夹 {folder}（{detail}）。核查结果仍保留，请联系信息技术人员检查该磁盘后重新记录。</source>
        <translation>The check was not recorded: the case folder {folder} cannot be written reliably ({detail}). The result is kept; ask IT staff to check the disk, then record again.</translation>
    </message>
    <message>
        <source>案卷文件 {file} 已损坏或不是案卷文件（{detail}），无法读写。请勿删除或覆盖该文件，联系信息技术人员从备份恢复，并保留它以备核查。</source>
        <translation>The case file {file} is damaged or not a case file ({detail}) and cannot be used. Do not delete or overwrite it; ask IT staff to restore it from backup and keep it for inspection.</translation>
    </message>
    <message>
        <source>案卷文件无法读取或结构被改动：{error}</source>
        <translation>The case file cannot be read or its structure was altered: {error}</translation>
    </message>
    <message>
        <source>记录 {id} 已被删除：档案中缺少这一条。</source>
        <translation>Record {id} was deleted: it is missing from the case file.</translation>
    </message>
    <message>
        <source>记录 {id} 已被删除：第 {id} 条至第 {last} 条缺失。</source>
        <translation>Record {id} was deleted: records {id} to {last} are missing.</translation>
    </message>
    <message>
        <source>记录 {id} 是插入的：编号不在档案序列中。</source>
        <translation>Record {id} was inserted: its number is not in the file&apos;s sequence.</translation>
    </message>
    <message>
        <source>记录 {id} 的内容被修改（哈希不符）。</source>
        <translation>Record {id} was modified (hash mismatch).</translation>
    </message>
    <message>
        <source>记录 {id} 是插入的：它与相邻记录指向同一条前序记录。</source>
        <translation>Record {id} was inserted: it points to the same predecessor as its neighbour.</translation>
    </message>
    <message>
        <source>第 {id} 条位置上是记录 {found}：记录被调换、删除或重新编号。</source>
        <translation>Position {id} holds record {found}: records were swapped, deleted or renumbered.</translation>
    </message>
    <message>
        <source>记录 {id} 与前一条记录的链接断开：前一条记录被改写、替换或插入。</source>
        <translation>Record {id} no longer links to the record before it: that record was rewritten, replaced or inserted.</translation>
    </message>
    <message>
        <source>第 {id} 条位置上是记录 {found}：记录被重新编号。</source>
        <translation>Position {id} holds record {found}: records were renumbered.</translation>
    </message>
    <message>
        <source>记录 {id} 的查询列 {column} 被改动：列中为“{found}”，记录本身为“{expected}”（筛选和统计读的是这一列）。</source>
        <translation>Record {id}: query column {column} was altered: it holds &quot;{found}&quot;, the record itself says &quot;{expected}&quot; (filters and statistics read this column).</translation>
    </message>
    <message>
        <source>注意：记录 {id} 在升级前存入上报队列的反馈与记录本身不符：{fields}（共 {count} 条这样的反馈）。它们不会再上报，记录本身完好；但旧版本照原样上报，平台上可能是改动后的内容，请信息技术人员与平台核对（原文保存在案卷的 old_feedback 表中）。</source>
        <translation>Note: the feedback queued for record {id} before the upgrade does not match the record itself: {fields} ({count} such messages). They will not be reported again and the records are intact; but the earlier version reported them as they were, so the platform may hold the altered content: IT should check with the platform (the messages are kept in the case file&apos;s old_feedback table).</translation>
    </message>
    <message>
        <source>记录 {id} 是插入的：原来的第 {id} 条被挪到了后面（与上报队列中的哈希对照）。</source>
        <translation>Record {id} was inserted: the original record {id} was moved further back (compared with the hashes in the upload queue).</translation>
    </message>
    <message>
        <source>记录 {id} 被改写或替换：与写入时交给上报队列的哈希不一致。</source>
        <translation>Record {id} was rewritten or replaced: it differs from the hash given to the upload queue when it was written.</translation>
    </message>
    <message>
        <source>记录 {id} 待上报的反馈被改动：{fields} 与记录本身不符。</source>
        <translation>The pending feedback of record {id} was altered: {fields} differ from the record itself.</translation>
    </message>
    <message>
        <source>记录 {id} 没有写入时同时生成的上报反馈：它是后来插入的，或它的反馈被删除了。</source>
        <translation>Record {id} has no feedback written together with it: it was inserted later, or its feedback was deleted.</translation>
    </message>
    <message>
        <source>案卷比见证短：见证记载 {count} 条记录（最后一条写于 {at}，链头 {head}…），案卷只有 {last} 条，第 {first} 条至第 {count} 条不见了（例如预写日志 -wal 文件被删除，或换成了旧副本）。</source>
        <translation>The case file is shorter than its witness: the witness records {count} records (the last written at {at}, head {head}…), the file holds {last}; records {first} to {count} are gone (e.g. the -wal write-ahead log was deleted, or an older copy was put back).</translation>
    </message>
    <message>
        <source>案卷被替换：第 {count} 条记录不是见证记载的那一条（链头 {head}…）。</source>
        <translation>The case file was replaced: record {count} is not the one its witness records (head {head}…).</translation>
    </message>
    <message>
        <source>第 {first} 条至第 {last} 条记录不在见证中：它们不是由本程序写入的。</source>
        <translation>Records {first} to {last} are not in the witness: they were not written by this program.</translation>
    </message>
    <message>
        <source>记录 {id} 已被删除：上报队列中仍有它的反馈。</source>
        <translation>Record {id} was deleted: its feedback is still in the upload queue.</translation>
    </message>
    <message>
        <source>{platform}；{offline}</source>
        <translation>{platform}; {offline}</translation>
    </message>
    <message>
        <source>离线数据中没有单位 {unit} 的这名{role}（{code}）：该人员只见于信用平台的答复，平台恢复后再按 F6 核查，或请其出示身份证后按身份证号码核查。</source>
        <translation>The offline data has no such {role} ({code}) of unit {unit}: this person appears only in the credit platform&apos;s answer. Press F6 again once the platform is back, or check them by the number on their identity card.</translation>
    </message>
    <message>
        <source>{platform}，已使用离线数据（截至 {as_of}）</source>
        <translation>{platform}; offline data used (as of {as_of})</translation>
    </message>
    <message>
        <source>未知的办事事项“{item}”。请用 credit-desk items 查找事项编码。</source>
        <translation>Unknown approval item &quot;{item}&quot;. Use credit-desk items to find item codes.</translation>
    </message>
    <message>
        <source>外省主体，本地数据可能不全：代码第{where}位的行政区划为 {code}，不在本省数据范围内。数据中无此主体，请核对代码是否输入正确，必要时向登记地核实。</source>
        <translation>Subject from another province, local data may be incomplete: positions {where} of the code hold division {code}, outside this province&apos;s data. The data does not know this subject: check the code was entered correctly, and verify with the place of registration if needed.</translation>
    </message>
    <message>
        <source>数据中无此主体：请核对代码是否输入正确（输错两位可能恰好得到另一个有效代码）。</source>
        <translation>The data does not know this subject: check the code was entered correctly (two slips can make another valid code).</translation>
    </message>
    <message>
        <source>该主体在名单中，但本事项没有适用于该主体的惩戒措施：仅供参考，不作为不予办理的依据。</source>
        <translation>The subject is listed, but no punishment for this item binds it: for information only, not a ground to refuse.</translation>
    </message>
    <message>
        <source>本事项的惩戒措施为限制性措施，不是不予办理的依据：按“{measures}”继续办理。</source>
        <translation>The punishments for this item are restrictions, not a ground to refuse: continue under “{measures}”.</translation>
    </message>
    <message>
        <source>部分措施的适用对象不是本主体（如仅适用于自然人、法定代表人或主要负责人），已标明“不适用”，不作为本次办理的依据。</source>
        <translation>Some measures bind someone else (e.g. only natural persons, legal representatives or principals): marked “not applicable”, not a ground for this application.</translation>
    </message>
    <message>
        <source>{role}{name}（{code}）在名单中：{lists}。见关联人员。</source>
        <translation>{role} {name} ({code}) is listed: {lists}. See the related people.</translation>
    </message>
    <message>
        <source>有 {n} 条名单信息已过有效期（已到期），不再作为核查依据。</source>
        <translation>{n} list entries are past their term (lapsed) and no longer count.</translation>
    </message>
    <message>
        <source>有名单信息处于异议处理中：相关措施暂不强制执行。</source>
        <translation>A list entry is under objection: its measures are not enforced for now.</translation>
    </message>
    <message>
        <source>二维码网址中有多个代码（{codes}），无法确定核查哪一个。请扫描代码条形码或手工输入代码。</source>
        <translation>The QR code URL holds several codes ({codes}); it is unclear which one to check. Scan the code&apos;s barcode or type the code.</translation>
    </message>
    <message>
        <source>扫描到的二维码网址中没有统一社会信用代码（新版营业执照二维码可能只含市场主体身份码）。请扫描执照上的代码条形码，或手工输入18位代码。</source>
        <translation>The scanned QR code URL holds no unified social credit code (newer licence QR codes may carry only an identity token). Scan the code&apos;s barcode on the licence, or type the 18-character code.</translation>
    </message>
    <message>
        <source>身份证号码第1–6位“{region}”不是任何时期的行政区划代码（已撤销的代码也查不到）。请核对前6位。</source>
        <translation>Positions 1–6 of the identity number, “{region}”, are no division code of any period (retired codes included). Check the first 6 digits.</translation>
    </message>
    <message>
        <source>统一社会信用代码第1位“{char}”不是登记管理部门代码（应为 1–9、A、N、Y 之一）。请核对第1位。</source>
        <translation>Position 1 of the credit code, “{char}”, is no registration department code (1–9, A, N or Y). Check position 1.</translation>
    </message>
    <message>
        <source>统一社会信用代码第2位“{char}”不是{department}部门登记的机构类别代码（应为 {allowed}）。请核对前两位。</source>
        <translation>Position 2 of the credit code, “{char}”, is no institution category the {department} department registers ({allowed}). Check the first two characters.</translation>
    </message>
    <message>
        <source>统一社会信用代码第3–8位“{region}”不是有效的行政区划代码。请核对第3–8位。</source>
        <translation>Positions 3–8 of the credit code, “{region}”, are no valid division code. Check positions 3–8.</translation>
    </message>
    <message>
        <source>统一社会信用代码第3–8位“{region}”（{name}）已于 {year} 年撤销，而统一社会信用代码 2015 年起才赋码，不会使用该区划代码。请核对第3–8位。</source>
        <translation>Positions 3–8 of the credit code, “{region}” ({name}), were retired in {year}; credit codes are issued since 2015 and never carry it. Check positions 3–8.</translation>
    </message>
    <message>
        <source>统一社会信用代码第9–17位是组织机构代码，它的校验码（第17位）应为 {expected}，输入的是 {got}。请核对第9–17位。</source>
        <translation>Positions 9–17 of the credit code are the organisation code; its check character (position 17) should be {expected}, not {got}. Check positions 9–17.</translation>
    </message>
    <message>
        <source>请输入或扫描统一社会信用代码（18位）。</source>
        <translation>Type or scan a unified social credit code (18 characters).</translation>
    </message>
    <message>
        <source>这是15位旧身份证号码，请改用18位公民身份号码。</source>
        <translation>This is an old 15-digit identity number; use the 18-digit citizen identity number.</translation>
    </message>
    <message>
        <source>代码应为18位，输入的是 {n} 位：{code}。请核对后重新输入或扫描。</source>
        <translation>A code has 18 characters; {n} were entered: {code}. Check it and type or scan again.</translation>
    </message>
    <message>
        <source>第{pos}位“{char}”不是统一社会信用代码使用的字符（代码不使用 I、O、S、V、Z）。请核对。</source>
        <translation>Character {pos} &quot;{char}&quot; is not used in unified social credit codes (they never use I, O, S, V, Z). Please check.</translation>
    </message>
    <message>
        <source>统一社会信用代码第3–8位应为行政区划数字，输入的是“{region}”。请核对。</source>
        <translation>Characters 3–8 of a unified social credit code are a region number; &quot;{region}&quot; was entered. Please check.</translation>
    </message>
    <message>
        <source>统一社会信用代码校验失败：第18位校验码应为 {expected}，输入的是 {got}。请核对代码。</source>
        <translation>Check digit wrong: character 18 should be {expected}, {got} was entered. Please check the code.</translation>
    </message>
    <message>
        <source>校验失败：若是身份证号码，第7–14位“{born}”不是有效的出生日期；若是统一社会信用代码，第18位校验码应为 {expected}，输入的是 {got}。请核对。</source>
        <translation>Check failed: as an identity number, characters 7–14 &quot;{born}&quot; are not a valid birth date; as a unified social credit code, character 18 should be {expected}, {got} was entered. Please check.</translation>
    </message>
    <message>
        <source>校验失败：若是身份证号码，第18位校验码应为 {id_expected}；若是统一社会信用代码，第18位校验码应为 {expected}。输入的是 {got}，请核对。</source>
        <translation>Check failed: as an identity number, character 18 should be {id_expected}; as a unified social credit code, it should be {expected}. {got} was entered; please check.</translation>
    </message>
    <message>
        <source>案卷文件 {file} 已损坏，无法读出（{error}）。请运行 credit-desk cases verify 查明问题记录，并联系信息技术人员从备份恢复。</source>
        <translation>The case file {file} is damaged and cannot be read ({error}). Run credit-desk cases verify to find the record concerned, and ask IT to restore from a backup.</translation>
    </message>
    <message>
        <source>起始日期 {since} 晚于截止日期 {until}：请对调 --from 和 --to。</source>
        <translation>The start date {since} is after the end date {until}: swap --from and --to.</translation>
    </message>
    <message>
        <source>查询留痕只能按日期和操作员筛选，不能与 {flags} 同用。</source>
        <translation>Access records can be filtered by date and operator only, not with {flags}.</translation>
    </message>
    <message>
        <source>导出文件夹 {folder} 中已有一次导出（cases.jsonl）：请换一个新的空文件夹，以免覆盖已移交的档案。</source>
        <translation>The export folder {folder} already holds an export (cases.jsonl): use a new empty folder so that a handed-over archive is not overwritten.</translation>
    </message>
    <message>
        <source>无法创建导出文件夹 {folder}：{error}</source>
        <translation>Cannot create the export folder {folder}: {error}</translation>
    </message>
    <message>
        <source>导出到 {folder} 失败：{error}。档案本身未受影响，请检查该文件夹后重新导出。</source>
        <translation>Export to {folder} failed: {error}. The case file itself is unaffected; check the folder and export again.</translation>
    </message>
    <message>
        <source>备份目标 {file} 已存在：请换一个新文件名或空文件夹，不会覆盖以前的备份。</source>
        <translation>The backup target {file} already exists: choose a new file name or an empty folder; an earlier backup is never overwritten.</translation>
    </message>
    <message>
        <source>无法写入备份 {dest}：{error}</source>
        <translation>Cannot write the backup {dest}: {error}</translation>
    </message>
    <message>
        <source>请只给出一个代码，或用 --batch 给出文件，不要同时给出。</source>
        <translation>Give either one code or a file with --batch, not both.</translation>
    </message>
    <message>
        <source>批量核查不能直接记档：每个办件需要各自的办件编号。</source>
        <translation>A batch check cannot be recorded: each case needs its own case number.</translation>
    </message>
    <message>
        <source>请给出要核查的代码，例如 credit-desk check 91440101MA59XXXXXX --item ITEM</source>
        <translation>Give the code to check, e.g. credit-desk check 91440101MA59XXXXXX --item ITEM</translation>
    </message>
    <message>
        <source>{flags} 只在记档时使用：请加上 --record，或去掉这些参数。</source>
        <translation>{flags} only apply when recording: add --record, or leave them out.</translation>
    </message>
    <message>
        <source>记档需要 {flags}。</source>
        <translation>Recording needs {flags}.</translation>
    </message>
    <message>
        <source>{flags} 属于信用承诺：请用 --commitment 给出承诺类型，或去掉这些参数。</source>
        <translation>{flags} belong to a credit commitment: give its type with --commitment, or leave them out.</translation>
    </message>
    <message>
        <source>批量文件第 {line} 行不是有效的 CSV（{error}）。请检查该行，或每行只写一个代码。</source>
        <translation>Line {line} of the batch file is not valid CSV ({error}). Check that line, or write one code per line.</translation>
    </message>
    <message>
        <source>无法读取批量文件 {path}：{error}</source>
        <translation>Cannot read the batch file {path}: {error}</translation>
    </message>
    <message>
        <source>找不到配置文件 {path}。请检查 CREDIT_DESK_CONFIG 或联系信息技术人员。</source>
        <translation>Config file {path} not found. Check CREDIT_DESK_CONFIG or contact IT staff.</translation>
    </message>
    <message>
        <source>配置文件路径 {path} 是一个文件夹，不是文件。请让它指向文件夹中的配置文件（如 {example}），修正后重启；如不清楚，请联系信息技术人员。</source>
        <translation>The config path {path} is a folder, not a file. Point it at the config file in that folder (such as {example}) and restart; if unsure, contact IT staff.</translation>
    </message>
    <message>
        <source>配置文件 {path} 不是 UTF-8 编码（例如存成了 UTF-16/“Unicode”或 GBK）。请用记事本“另存为”，编码选 UTF-8 后重启。</source>
        <translation>The config file {path} is not UTF-8 (saved as UTF-16/&quot;Unicode&quot; or GBK, for example). Open it in Notepad, &quot;Save as&quot; with the encoding UTF-8, then restart.</translation>
    </message>
    <message>
        <source>无法读取配置文件 {path}：{error}</source>
        <translation>Cannot read the config file {path}: {error}</translation>
    </message>
    <message>
        <source>配置文件 {path} 不是有效的 TOML：{error}。请按示例配置修正后重启。</source>
        <translation>The config file {path} is not valid TOML: {error}. Correct it following the sample config and restart.</translation>
    </message>
    <message>
        <source>未知的配置节 [{key}]</source>
        <translation>unknown config table [{key}]</translation>
    </message>
    <message>
        <source>“{key}”应为配置节 [{key}]</source>
        <translation>&quot;{key}&quot; should be a table [{key}]</translation>
    </message>
    <message>
        <source>未知的配置项 {key}</source>
        <translation>unknown config key {key}</translation>
    </message>
    <message>
        <source>配置项 {key} 的类型不对</source>
        <translation>config key {key} has the wrong type</translation>
    </message>
    <message>
        <source>配置项 {key} 必须是有限的数</source>
        <translation>setting {key} must be a finite number</translation>
    </message>
    <message>
        <source>配置节 [{key}] 缺少必填项 {missing}</source>
        <translation>config table [{key}] lacks the required key {missing}</translation>
    </message>
    <message>
        <source>配置项 {key} 不能为空</source>
        <translation>config key {key} must not be empty</translation>
    </message>
    <message>
        <source>配置项 {key} 应在 0.2 到 60 秒之间</source>
        <translation>config key {key} must be between 0.2 and 60 seconds</translation>
    </message>
    <message>
        <source>配置项 {key} 必须大于 0</source>
        <translation>config key {key} must be greater than 0</translation>
    </message>
    <message>
        <source>配置项 {key} 不能超过 87600 小时（10 年）</source>
        <translation>Setting {key} cannot exceed 87600 hours (10 years)</translation>
    </message>
    <message>
        <source>配置项 {key} 不能大于 max_age_hours</source>
        <translation>config key {key} must not exceed max_age_hours</translation>
    </message>
    <message>
        <source>配置了省平台 [{key}] 的生产配置必须用 [snapshot] trust_root 指定省平台发布的信任根，不能使用内置演示信任根</source>
        <translation>a production config with a provincial platform [{key}] must name the platform&apos;s trust root in [snapshot] trust_root; the built-in demo trust root cannot be used</translation>
    </message>
    <message>
        <source>配置项 {key} 指向演示信任根（演示密钥公开，任何人都能签署），生产环境不能使用；请改为省平台发布的信任根文件</source>
        <translation>config key {key} names the demo trust root (its keys are public, anyone can sign with them), which production must not use; name the trust root file published by the provincial platform</translation>
    </message>
    <message>
        <source>配置项 {key} 应在 1 到 3650 天之间</source>
        <translation>Setting {key} must be between 1 and 3650 days</translation>
    </message>
    <message>
        <source>生产配置（含 [platform] 或 trust_root）必须有 [{key}] 配置节，指定操作员登录方式（auth = &quot;platform&quot; 或 &quot;os&quot;）</source>
        <translation>a production config (with [platform] or trust_root) needs an [{key}] table saying how operators sign in (auth = &quot;platform&quot; or &quot;os&quot;)</translation>
    </message>
    <message>
        <source>配置项 {key} = &quot;platform&quot; 需要 [platform] 配置节（向省平台登录）；离线部署请用 &quot;os&quot;</source>
        <translation>{key} = &quot;platform&quot; needs a [platform] table (sign-in against the platform); an offline desk uses &quot;os&quot;</translation>
    </message>
    <message>
        <source>配置项 {key} 应为 &quot;platform&quot;（向省平台登录）或 &quot;os&quot;（操作系统账户）</source>
        <translation>{key} must be &quot;platform&quot; (sign in against the platform) or &quot;os&quot; (the OS account)</translation>
    </message>
    <message>
        <source>配置项 {key} 应在 0 到 90 天之间</source>
        <translation>{key} must be between 0 and 90 days</translation>
    </message>
    <message>
        <source>配置项 {key} 应在 1 到 480 分钟之间</source>
        <translation>{key} must be between 1 and 480 minutes</translation>
    </message>
    <message>
        <source>配置项 {key} 只能与 auth = &quot;os&quot; 同用</source>
        <translation>{key} goes only with auth = &quot;os&quot;</translation>
    </message>
    <message>
        <source>配置项 {key} 应把操作系统账户映射到工号，如 &quot;wangli&quot; = &quot;GZ-0117&quot;</source>
        <translation>{key} must map OS accounts to operator ids, e.g. &quot;wangli&quot; = &quot;GZ-0117&quot;</translation>
    </message>
    <message>
        <source>配置项 {key} 应为 1024 到 65535 之间的端口号</source>
        <translation>{key} must be a port number from 1024 to 65535</translation>
    </message>
    <message>
        <source>配置项 {key} 应为审批系统网页的来源列表，如 &quot;https://zwfw.example.gov.cn&quot;（https，不带路径）</source>
        <translation>{key} must list the approval system&apos;s web origins, such as &quot;https://zwfw.example.gov.cn&quot; (https, no path)</translation>
    </message>
    <message>
        <source>配置项 {key} 不能含空白或控制字符</source>
        <translation>setting {key} must not contain whitespace or control characters</translation>
    </message>
    <message>
        <source>配置项 {key} 不能含反斜杠</source>
        <translation>setting {key} must not contain a backslash</translation>
    </message>
    <message>
        <source>配置项 {key} 不是有效的网址</source>
        <translation>setting {key} is not a valid URL</translation>
    </message>
    <message>
        <source>配置项 {key} 不能含用户名或密码（平台密钥只存于系统密钥库）</source>
        <translation>setting {key} must not contain a user name or password (the platform secret lives only in the system keyring)</translation>
    </message>
    <message>
        <source>配置项 {key} 不能带查询参数（?）或片段（#）</source>
        <translation>setting {key} must not have a query (?) or fragment (#)</translation>
    </message>
    <message>
        <source>配置项 {key} 必须是 https 地址（仅本机回环地址可用 http）</source>
        <translation>config key {key} must be an https address (plain http only on loopback)</translation>
    </message>
    <message>
        <source>配置项 {key} 含有控制字符，不是有效的路径</source>
        <translation>Setting {key} contains control characters and is not a valid path</translation>
    </message>
    <message>
        <source>配置项 {key} 指向的路径无法访问：{file}（{error}）</source>
        <translation>Setting {key} points to a path that cannot be accessed: {file} ({error})</translation>
    </message>
    <message>
        <source>配置项 {key} 指向的是文件夹，不是文件：{file}</source>
        <translation>Setting {key} points to a folder, not a file: {file}</translation>
    </message>
    <message>
        <source>配置项 {key} 指向的文件不存在：{file}</source>
        <translation>config key {key} names a file that does not exist: {file}</translation>
    </message>
    <message>
        <source>配置项 {key} 指向的文件超过 1 MB：{file}</source>
        <translation>setting {key} names a file larger than 1 MB: {file}</translation>
    </message>
    <message>
        <source>配置文件 {path}：{reason}。请修正后重启。</source>
        <translation>Config file {path}: {reason}. Correct it and restart.</translation>
    </message>
    <message>
        <source>配置文件 {path} 第 {line} 行：{reason}。请修正后重启。</source>
        <translation>Config file {path} line {line}: {reason}. Correct it and restart.</translation>
    </message>
    <message>
        <source>离线数据校验失败，不能作为核查依据：{detail}</source>
        <translation>The offline data failed verification and cannot vouch for a check: {detail}</translation>
    </message>
    <message>
        <source>本机没有离线数据。请联网后执行“更新离线数据”，或从U盘导入快照。</source>
        <translation>This machine has no offline data. Update the offline data when online, or import a snapshot from USB.</translation>
    </message>
    <message>
        <source>离线数据已于 {expires} 过期，不能作为核查依据。请更新离线数据。</source>
        <translation>The offline data expired on {expires} and cannot vouch for a check. Update the offline data.</translation>
    </message>
    <message>
        <source>离线数据截至 {as_of}，已超过 {hours} 小时的最长可用期限，不能作为核查依据。请更新离线数据。</source>
        <translation>The offline data is as of {as_of}, older than the maximum of {hours} hours, and cannot vouch for a check. Update the offline data.</translation>
    </message>
    <message>
        <source>离线数据无法读取，不能作为核查依据：{detail}</source>
        <translation>The offline data cannot be read and cannot vouch for the check: {detail}</translation>
    </message>
    <message>
        <source>本机没有离线数据：演示数据无法安装到 {folder}，所在磁盘已满。请清理该磁盘空间（或联系信息技术人员）后重试。</source>
        <translation>No offline data on this desk: the demo data could not be installed into {folder} because its disk is full. Free space on that disk (or contact IT staff) and try again.</translation>
    </message>
    <message>
        <source>本机没有离线数据：演示数据无法安装到 {folder}，该文件夹只读或没有写入权限。请联系信息技术人员恢复该文件夹的写入权限后重试。</source>
        <translation>No offline data on this desk: the demo data could not be installed into {folder} because the folder is read-only or not writable. Ask IT staff to restore write access, then try again.</translation>
    </message>
    <message>
        <source>本机没有离线数据：演示数据无法安装到 {folder}（{detail}）。请联系信息技术人员检查该磁盘后重试。</source>
        <translation>No offline data on this desk: the demo data could not be installed into {folder} ({detail}). Ask IT staff to check that disk, then try again.</translation>
    </message>
    <message>
        <source>篡改警报：平台拒收记录 {record}（409），它与本机此前上报的档案链冲突，本机档案可能被改写或替换。该反馈不再自动重发，请联系信息技术人员核查（credit-desk cases verify）。</source>
        <translation>Tamper alarm: the platform refused record {record} (409): it contradicts the chain this desk uploaded before; the local case file may have been rewritten or replaced. This feedback is not sent again automatically; ask IT to check (credit-desk cases verify).</translation>
    </message>
    <message>
        <source>上报队列无法读取：{file} 打不开（{error}）。请联系信息技术人员检查该文件（案卷可用 credit-desk cases verify 核对，可从备份恢复）。</source>
        <translation>The feedback queue cannot be read: {file} cannot be opened ({error}). Call IT to check that file (the case file can be checked with credit-desk cases verify and restored from a backup).</translation>
    </message>
    <message>
        <source>离线数据校验失败，不能作为核查依据：本机第 {version} 版数据中 {where} 的内容与签署的分组表不符，数据文件被改动过。请重新导入快照（U盘或“更新离线数据”）。</source>
        <translation>The offline data failed verification and cannot vouch for this check: in version {version} of this machine&apos;s data, the rows of {where} differ from the signed bucket table, so the data file was edited. Import the snapshot again (USB stick or &quot;Update offline data&quot;).</translation>
    </message>
    <message>
        <source>平台暂不可用，稍后自动重试</source>
        <translation>Platform unavailable for now; retrying automatically later</translation>
    </message>
    <message>
        <source>本机未设置平台密钥：请信息技术人员执行 credit-desk secrets set {app_key}</source>
        <translation>No platform secret on this machine: IT staff must run credit-desk secrets set {app_key}</translation>
    </message>
    <message>
        <source>平台证书校验失败（请信息技术人员检查配置项 platform.ca_bundle）</source>
        <translation>Platform certificate verification failed (IT staff: check platform.ca_bundle)</translation>
    </message>
    <message>
        <source>平台登录应答格式错误（字段 {field}）</source>
        <translation>Malformed sign-in answer from the platform (field {field})</translation>
    </message>
    <message>
        <source>平台超时 {seconds} 秒</source>
        <translation>platform timed out after {seconds} s</translation>
    </message>
    <message>
        <source>平台应答不完整（传输中断）</source>
        <translation>incomplete platform answer (transfer interrupted)</translation>
    </message>
    <message>
        <source>无法连接平台（连接被拒绝）</source>
        <translation>cannot connect to the platform (connection refused)</translation>
    </message>
    <message>
        <source>无法连接平台（网络不通）</source>
        <translation>cannot connect to the platform (network unreachable)</translation>
    </message>
    <message>
        <source>平台请求失败（{kind}）</source>
        <translation>platform request failed ({kind})</translation>
    </message>
    <message>
        <source>平台应答格式错误（未确认收到反馈）</source>
        <translation>malformed platform answer (feedback not acknowledged)</translation>
    </message>
    <message>
        <source>快照下载不完整（{done}/{size} 字节），请重试</source>
        <translation>snapshot download incomplete ({done}/{size} bytes), please retry</translation>
    </message>
    <message>
        <source>平台应答大小异常（{size} 字节）</source>
        <translation>platform answer of unexpected size ({size} bytes)</translation>
    </message>
    <message>
        <source>平台应答大小异常（超过 {size} 字节）</source>
        <translation>platform answer of unexpected size (over {size} bytes)</translation>
    </message>
    <message>
        <source>平台繁忙（HTTP 429）</source>
        <translation>platform busy (HTTP 429)</translation>
    </message>
    <message>
        <source>平台繁忙（HTTP 429），{seconds} 秒后可再试</source>
        <translation>platform busy (HTTP 429), retry in {seconds} s</translation>
    </message>
    <message>
        <source>平台拒绝了本机的请求签名（HTTP 401）：请检查平台密钥和本机时钟</source>
        <translation>the platform refused this machine&apos;s request signature (HTTP 401): check the platform secret and the clock</translation>
    </message>
    <message>
        <source>平台故障（HTTP {status}）</source>
        <translation>platform failure (HTTP {status})</translation>
    </message>
    <message>
        <source>平台认为请求无效（HTTP 400）</source>
        <translation>the platform considers the request invalid (HTTP 400)</translation>
    </message>
    <message>
        <source>平台应答异常（HTTP {status}）</source>
        <translation>unexpected platform answer (HTTP {status})</translation>
    </message>
    <message>
        <source>平台应答格式错误（字段 {field} 重复）</source>
        <translation>malformed platform answer (field {field} appears twice)</translation>
    </message>
    <message>
        <source>平台应答格式错误（嵌套过深）</source>
        <translation>malformed platform answer (nested too deep)</translation>
    </message>
    <message>
        <source>平台应答格式错误（不是有效的 JSON）</source>
        <translation>malformed platform answer (not valid JSON)</translation>
    </message>
    <message>
        <source>平台应答字段 {field} 含有无效字符</source>
        <translation>platform answer field {field} contains invalid characters</translation>
    </message>
    <message>
        <source>平台应答字段 {field} 超长（{length} 字符，上限 {limit}）</source>
        <translation>platform answer field {field} too long ({length} characters, limit {limit})</translation>
    </message>
    <message>
        <source>平台应答格式错误（字段名超长或含无效字符）</source>
        <translation>malformed platform answer (a field name is too long or contains invalid characters)</translation>
    </message>
    <message>
        <source>平台应答字段 {field} 条目过多（{count} 条）</source>
        <translation>platform answer field {field} has too many entries ({count})</translation>
    </message>
    <message>
        <source>平台应答字段 {field} 重复列出关联人员</source>
        <translation>Platform answer field {field} lists a related person again</translation>
    </message>
    <message>
        <source>平台应答格式错误（不是 JSON 对象）</source>
        <translation>malformed platform answer (not a JSON object)</translation>
    </message>
    <message>
        <source>平台应答缺少字段 {field}</source>
        <translation>platform answer lacks the field {field}</translation>
    </message>
    <message>
        <source>平台应答字段 {field} 的类型或取值不对</source>
        <translation>platform answer field {field} has a wrong type or value</translation>
    </message>
    <message>
        <source>平台应答的主体代码与所查代码不符</source>
        <translation>the platform answered for another code than the one queried</translation>
    </message>
    <message>
        <source>平台应答未说明所查主体（subject 为空）</source>
        <translation>platform answer does not name the subject checked (subject is null)</translation>
    </message>
    <message>
        <source>平台应答的数据日期 {as_of} 晚于本机时间</source>
        <translation>platform answer&apos;s data date {as_of} is later than this computer&apos;s clock</translation>
    </message>
    <message>
        <source>无法生成记录单：系统没有中文字体（需要 {fonts} 之一，Linux 请安装 fonts-noto-cjk）。</source>
        <translation>Cannot create the record sheet: no Chinese font on this system (one of {fonts} is needed; on Linux install fonts-noto-cjk).</translation>
    </message>
    <message>
        <source>本机没有可用的系统密钥库（keyring）。请在有凭据管理器（Windows）或桌面密钥环（Linux：GNOME Keyring/KWallet）的登录会话中运行；无桌面的自助终端请由信息技术人员安装并解锁 Secret Service（Debian 包 gnome-keyring），或用环境变量 PYTHON_KEYRING_BACKEND 指定本单位批准的密钥库后端。不要使用把密钥写入文件的后端。</source>
        <translation>No system keyring is available on this computer. Run Credit Desk in a session that has the Credential Manager (Windows) or a desktop keyring (Linux: GNOME Keyring/KWallet); on a kiosk without a desktop, IT staff should install and unlock a Secret Service (Debian package gnome-keyring), or name a backend approved by your organisation in the environment variable PYTHON_KEYRING_BACKEND. Do not use a backend that writes the secret to a file.</translation>
    </message>
    <message>
        <source>系统密钥库出错（{kind}）。请检查密钥库是否已解锁，或联系信息技术人员。</source>
        <translation>System keyring error ({kind}). Check that the keyring is unlocked, or contact IT staff.</translation>
    </message>
    <message>
        <source>环境变量 PYTHON_KEYRING_BACKEND 指定的密钥库后端“{name}”无法加载（{kind}）。请改正或删去这个变量。</source>
        <translation>The keyring backend &quot;{name}&quot; named by the environment variable PYTHON_KEYRING_BACKEND cannot be loaded ({kind}). Correct the variable or remove it.</translation>
    </message>
    <message>
        <source>请给出平台应用编号（app_key），例如 credit-desk secrets set hall-440106-01。</source>
        <translation>Give the platform app key, e.g. credit-desk secrets set hall-440106-01.</translation>
    </message>
    <message>
        <source>没有读到密钥：请从标准输入提供平台分配的应用密钥，例如 credit-desk secrets set {name} &lt; secret.txt。</source>
        <translation>No secret was read: give the app secret from the platform on standard input, e.g. credit-desk secrets set {name} &lt; secret.txt.</translation>
    </message>
    <message>
        <source>密钥库后端 {backend} 没有保存密钥（它不保存任何内容）：密钥未存入。{advice}</source>
        <translation>The keyring backend {backend} did not keep the secret (it keeps nothing): the secret was not stored. {advice}</translation>
    </message>
    <message>
        <source>跟踪提醒：本月提出</source>
        <translation>Watch alerts raised this month</translation>
    </message>
    <message>
        <source>跟踪提醒：本月处理</source>
        <translation>Watch alerts settled this month</translation>
    </message>
    <message>
        <source>跟踪提醒：月末待处理</source>
        <translation>Watch alerts open at month end</translation>
    </message>
    <message>
        <source>核查次数</source>
        <translation>Checks</translation>
    </message>
    <message>
        <source>使用离线数据</source>
        <translation>Answered from offline data</translation>
    </message>
    <message>
        <source>离线占比</source>
        <translation>Offline share</translation>
    </message>
    <message>
        <source>命中名单的核查</source>
        <translation>Checks with list hits</translation>
    </message>
    <message>
        <source>后续决定与更正</source>
        <translation>Later decisions and corrections</translation>
    </message>
    <message>
        <source>作出信用承诺</source>
        <translation>Credit commitments made</translation>
    </message>
    <message>
        <source>承诺已履约</source>
        <translation>Commitments fulfilled</translation>
    </message>
    <message>
        <source>承诺不实/违诺</source>
        <translation>Commitments breached</translation>
    </message>
    <message>
        <source>承诺逾期未处理</source>
        <translation>Commitments overdue</translation>
    </message>
    <message>
        <source>月份“{month}”格式不对，应为 YYYY-MM，例如 2026-11。</source>
        <translation>Month &quot;{month}&quot; is malformed; use YYYY-MM, e.g. 2026-11.</translation>
    </message>
    <message>
        <source>月份“{month}”超出可查询的范围（{first}–{last} 年）。</source>
        <translation>The month &quot;{month}&quot; is outside the range that can be queried (years {first}–{last}).</translation>
    </message>
    <message>
        <source>核查</source>
        <translation>Checks</translation>
    </message>
    <message>
        <source>名单命中（按类别）</source>
        <translation>List hits (by kind)</translation>
    </message>
    <message>
        <source>已执行的措施</source>
        <translation>Measures applied</translation>
    </message>
    <message>
        <source>办理结果</source>
        <translation>Outcomes</translation>
    </message>
    <message>
        <source>事中事后监管</source>
        <translation>Post-approval watch</translation>
    </message>
    <message>
        <source>信用承诺</source>
        <translation>Credit commitments</translation>
    </message>
    <message>
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>栏目</source>
        <translation>Section</translation>
    </message>
    <message>
        <source>键</source>
        <translation>Key</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Label</translation>
    </message>
    <message>
        <source>数值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>{path} 是文件夹：请给出 CSV 文件名（如 {path}/统计.csv）。未写出。</source>
        <translation>{path} is a folder: give a CSV file name (such as {path}/statistics.csv). Nothing was written.</translation>
    </message>
    <message>
        <source>无法写出 CSV 文件 {path}：{error}。请检查磁盘空间和写入权限，或换一个位置。</source>
        <translation>Could not write the CSV file {path}: {error}. Check the disk space and write access, or choose another place.</translation>
    </message>
    <message>
        <source>请输入工号。</source>
        <translation>Enter an operator id.</translation>
    </message>
    <message>
        <source>“{code}”是统一社会信用代码或身份证号码，不是工号：请输入您的工号。</source>
        <translation>“{code}” is a unified social credit code or an identity number, not an operator ID: please enter your operator ID.</translation>
    </message>
    <message>
        <source>工号“{operator}”无效：只能包含字母、数字、点、下划线和连字符，最长 32 位，以字母或数字开头。</source>
        <translation>Operator id &quot;{operator}&quot; is invalid: use letters, digits, dots, underscores and hyphens only, at most 32 characters, starting with a letter or digit.</translation>
    </message>
    <message>
        <source>本机未配置省平台（仅离线）。请从U盘导入快照（credit-desk cache import），或请信息技术人员在配置中设置 [snapshot] update_source。</source>
        <translation>No provincial platform is configured (offline only). Import a snapshot from USB (credit-desk cache import), or ask IT staff to set [snapshot] update_source.</translation>
    </message>
    <message>
        <source>更新来源文件夹不可用：{folder}。请确认U盘已插好或共享文件夹可以访问。</source>
        <translation>The update source folder is not available: {folder}. Check that the USB stick is plugged in or the file share is reachable.</translation>
    </message>
    <message>
        <source>无法从平台更新：{reason}。本机离线数据保持不变，再次更新会接着下载。</source>
        <translation>Could not update from the platform: {reason}. The offline data on this machine is unchanged; the next update continues the download.</translation>
    </message>
    <message>
        <source>平台目前没有发布快照，请稍后再试。</source>
        <translation>The platform has not published a snapshot yet; try again later.</translation>
    </message>
    <message>
        <source>已取消更新；已下载的部分会在下次更新时接着下载。本机离线数据保持不变。</source>
        <translation>Update cancelled; the part already downloaded is resumed next time. The offline data on this machine is unchanged.</translation>
    </message>
    <message>
        <source>下载快照时平台中断：{reason}。本机离线数据保持不变，再次更新会接着下载。</source>
        <translation>The platform broke off the snapshot download: {reason}. The offline data on this machine is unchanged; updating again resumes the download.</translation>
    </message>
    <message>
        <source>{detail} 本机离线数据保持不变。</source>
        <translation>{detail} The offline data on this machine is unchanged.</translation>
    </message>
    <message>
        <source>登记跟踪处理须用 --action 说明做了什么，可选：{choices}。</source>
        <translation>Settling an alert needs --action saying what was done, one of: {choices}.</translation>
    </message>
    <message>
        <source>准予办理后新列入名单</source>
        <translation>Listed after a grant</translation>
    </message>
    <message>
        <source>不予办理所依据的条目已到期</source>
        <translation>The entry a refusal rested on has lapsed</translation>
    </message>
    <message>
        <source>不予办理所依据的条目已信用修复</source>
        <translation>The entry a refusal rested on has been repaired</translation>
    </message>
    <message>
        <source>不予办理所依据的条目已移出名单</source>
        <translation>The entry a refusal rested on has been removed</translation>
    </message>
    <message>
        <source>所享受的守信激励已撤销</source>
        <translation>A red-list incentive granted has been withdrawn</translation>
    </message>
    <message>
        <source>准予办理后法定代表人或主要负责人新列入名单</source>
        <translation>Legal representative or principal listed after the grant</translation>
    </message>
    <message>
        <source>已复核，维持原决定</source>
        <translation>Reviewed, decision kept</translation>
    </message>
    <message>
        <source>已纳入事中事后重点监管</source>
        <translation>Put under post-approval supervision</translation>
    </message>
    <message>
        <source>已移交主管部门依法处理</source>
        <translation>Referred to the competent authority</translation>
    </message>
    <message>
        <source>已依法撤销或变更审批决定</source>
        <translation>Approval revoked or amended as the law provides</translation>
    </message>
    <message>
        <source>已告知申请人可重新申请</source>
        <translation>Applicant told they may apply again</translation>
    </message>
    <message>
        <source>已移出</source>
        <translation>removed</translation>
    </message>
    <message>
        <source>未列入</source>
        <translation>not listed</translation>
    </message>
    <message>
        <source>未登记跟踪处理：记录 {id} 未通过档案校验（{problem}）。请由信息技术人员运行 credit-desk cases verify 查明原因，恢复备份或确认现状后再登记；已有记录和提醒仍可查看。</source>
        <translation>Follow-up not recorded: record {id} fails the case file check ({problem}). Ask IT to run credit-desk cases verify to find out why, and to restore the backup or accept the file as it is before recording it; the existing records and alerts can still be viewed.</translation>
    </message>
    <message>
        <source>未登记跟踪处理：案卷未通过档案校验（{problem}），不再向其写入记录（记录 {id} 本身完好）。请由信息技术人员运行 credit-desk cases verify 查明原因，恢复备份或确认现状后再登记；已有记录和提醒仍可查看。</source>
        <translation>Follow-up not recorded: the case file fails its check ({problem}), so nothing more is written to it (record {id} itself is intact). Ask IT to run credit-desk cases verify to find out why, and to restore the backup or accept the file as it is before recording it; the existing records and alerts can still be viewed.</translation>
    </message>
    <message>
        <source>平台的变化通知是第 {offered} 版，比本机已有的第 {installed} 版数据旧，已拒绝；跟踪提醒保持不变。</source>
        <translation>The platform&apos;s change feed is for version {offered}, older than version {installed} already on this desk: refused; the alerts are unchanged.</translation>
    </message>
    <message>
        <source>平台的变化通知是第 {offered} 版，比本机此前收到的第 {kept} 版变化通知旧，本次未采用，跟踪提醒保持不变；下次从本机数据（第 {installed} 版）起重新接收。</source>
        <translation>The platform&apos;s change feed is version {offered}, older than the version {kept} feed this desk took in before; not used, watch alerts unchanged. The next look asks again from the data on this desk (version {installed}).</translation>
    </message>
    <message>
        <source>平台的变化通知自称第 {offered} 版，远超本机已安装的第 {installed} 版数据（最多可信到第 {limit} 版），不可信，已拒绝；跟踪提醒保持不变，以后的变化通知照常接收。请信息技术人员检查省平台。</source>
        <translation>The platform&apos;s change feed claims version {offered}, far beyond the installed data version {installed} (at most version {limit} can be believed): refused; the alerts are unchanged and later change feeds are taken in as usual. Ask IT to check the provincial platform.</translation>
    </message>
    <message>
        <source>未知的跟踪处理方式“{action}”，可选：{choices}。</source>
        <translation>Unknown follow-up action &quot;{action}&quot;; one of: {choices}.</translation>
    </message>
    <message>
        <source>没有跟踪提醒 {key}。请用 credit-desk cases watch 查看现有提醒。</source>
        <translation>There is no alert {key}. List the alerts with credit-desk cases watch.</translation>
    </message>
    <message>
        <source>跟踪提醒 {key} 已由 {operator} 处理（记录 {record}），不再重复登记。</source>
        <translation>Alert {key} was already settled by {operator} (record {record}); it is not settled twice.</translation>
    </message>
    <message>
        <source>跟踪提醒 {key} 已被更新的数据取代，不再待处理，未登记：{reason}如数据再次显示这一变化，提醒会重新出现。</source>
        <translation>Watch alert {key} was superseded by newer data and is no longer open; nothing recorded: {reason} If the data shows this change again, the alert comes back.</translation>
    </message>
    <message>
        <source>平台的变化通知格式不对（{what}），已忽略。</source>
        <translation>The platform&apos;s change feed is malformed ({what}); ignored.</translation>
    </message>
    <message>
        <source>请求中的 {name} 应为文字。</source>
        <translation>{name} in the request must be text.</translation>
    </message>
    <message>
        <source>请求缺少 {name}。</source>
        <translation>The request has no {name}.</translation>
    </message>
    <message>
        <source>请求中的 {name} 超过 {limit} 个字符。</source>
        <translation>{name} in the request is longer than {limit} characters.</translation>
    </message>
    <message>
        <source>请求中的 {name} 含有控制字符。</source>
        <translation>{name} in the request contains control characters.</translation>
    </message>
    <message>
        <source>请求中的代码无效：{reason}</source>
        <translation>The code in the request is invalid: {reason}</translation>
    </message>
    <message>
        <source>链接过长（超过 {limit} 个字符），已拒绝。</source>
        <translation>Link refused: longer than {limit} characters.</translation>
    </message>
    <message>
        <source>不是信用核查链接：应为 creditdesk://check?item=事项编码&amp;case=办件编号[&amp;code=统一社会信用代码]，收到“{url}”。</source>
        <translation>Not a credit check link: expected creditdesk://check?item=ITEM&amp;case=CASE_NO[&amp;code=USCC], got &quot;{url}&quot;.</translation>
    </message>
    <message>
        <source>链接不应带 # 片段。</source>
        <translation>A link must not have a # fragment.</translation>
    </message>
    <message>
        <source>链接的参数无法读取，已拒绝。</source>
        <translation>Link refused: its parameters cannot be read.</translation>
    </message>
    <message>
        <source>链接含有未知参数“{key}”：只接受 item、case 和 code。</source>
        <translation>The link has an unknown parameter &quot;{key}&quot;: only item, case and code are taken.</translation>
    </message>
    <message>
        <source>链接中参数“{key}”出现了两次。</source>
        <translation>The parameter &quot;{key}&quot; appears twice in the link.</translation>
    </message>
    <message>
        <source>链接中不能带自然人身份证号（网址会被浏览器和代理记录）。请在窗口中扫码或输入，并填写查询目的。</source>
        <translation>A link may not carry a person&apos;s identity number (browsers and proxies log URLs). Scan or type it in the window and give the purpose.</translation>
    </message>
    <message>
        <source>请求体超过 {limit} 字节，已拒绝。</source>
        <translation>Request refused: the body is larger than {limit} bytes.</translation>
    </message>
    <message>
        <source>请求体不是有效的 JSON 对象。</source>
        <translation>The request body is not a valid JSON object.</translation>
    </message>
    <message>
        <source>请求含有未知字段“{key}”：只接受 case_no、item、code 和 purpose。</source>
        <translation>The request has an unknown field &quot;{key}&quot;: only case_no, item, code and purpose are taken.</translation>
    </message>
    <message>
        <source>查询自然人必须写明查询目的（授权书编号或法定职责）：purpose。</source>
        <translation>Checking a natural person needs a purpose (authorisation number or legal duty): purpose.</translation>
    </message>
    <message>
        <source>请先登录（工号和密码），未查询。</source>
        <translation>Sign in first (operator id and password); nothing was looked up.</translation>
    </message>
    <message>
        <source>登录已过期，请重新登录，未查询。</source>
        <translation>The sign-in has expired; sign in again. Nothing was looked up.</translation>
    </message>
    <message>
        <source>已启用审批系统接口，但本机密钥库中没有接口令牌。请信息技术人员执行 credit-desk secrets set integration 设置后重启。</source>
        <translation>The approval-system API is enabled but the keyring holds no API token. IT: run credit-desk secrets set integration, then restart.</translation>
    </message>
    <message>
        <source>审批系统接口无法在本机端口 {port} 上启动：{error}。请检查是否已有另一个窗口在运行。</source>
        <translation>The approval-system API cannot start on local port {port}: {error}. Check whether another window is already running.</translation>
    </message>
    <message>
        <source>办件 {case} 已有一张待窗口人员记录的核查单，请勿重复提交。</source>
        <translation>Case {case} already has a check waiting for the clerk; do not submit it again.</translation>
    </message>
    <message>
        <source>窗口已有 {n} 张待记录的核查单，请等窗口人员处理后再提交。</source>
        <translation>The window already has {n} checks waiting to be recorded; submit again once the clerk has dealt with them.</translation>
    </message>
    <message>
        <source>标准输入第 1 行超过 {limit} 字节，不像是平台密钥。请只提供密钥本身。</source>
        <translation>The first line of standard input is longer than {limit} bytes and does not look like a platform secret. Provide the secret alone.</translation>
    </message>
    <message>
        <source>标准输入第 1 行不是有效的 UTF-8 文本。请以 UTF-8 保存密钥文件后重试。</source>
        <translation>The first line of standard input is not valid UTF-8 text. Save the secret file as UTF-8 and try again.</translation>
    </message>
    <message>
        <source>查询留痕 {id} 已被删除或插入：编号不连续。</source>
        <translation>Access record {id} was deleted or inserted: the numbers are not consecutive.</translation>
    </message>
    <message>
        <source>查询留痕 {id} 的内容被修改（哈希不符）。</source>
        <translation>Access record {id} was altered (hash mismatch).</translation>
    </message>
    <message>
        <source>查询留痕 {id} 与前一条不相连（之前的留痕被改动或删除）。</source>
        <translation>Access record {id} does not link to the one before (an earlier access record was altered or deleted).</translation>
    </message>
    <message>
        <source>查询留痕比见证少：见证记载 {count} 条查询留痕（最后一条写于 {at}），案卷只有 {last} 条，第 {first} 条至第 {count} 条查询留痕被删除。</source>
        <translation>Fewer access records than witnessed: the witness counts {count} access records (the last written at {at}), the case file holds {last}; access records {first} to {count} were deleted.</translation>
    </message>
    <message>
        <source>查询留痕被替换：第 {count} 条查询留痕不是见证记载的那一条。</source>
        <translation>Access records replaced: access record {count} is not the one the witness names.</translation>
    </message>
    <message>
        <source>第 {first0} 条至第 {last} 条查询留痕不在见证中：它们不是由本程序写入的。</source>
        <translation>Access records {first0} to {last} are not in the witness: they were not written by this program.</translation>
    </message>
    <message>
        <source>核查自然人须先说明查询用途（授权书编号或履职依据），未查询。</source>
        <translation>Looking up a natural person needs a purpose first (authorisation number or legal duty); nothing was looked up.</translation>
    </message>
    <message>
        <source>查询用途应为一行文字，最长 {limit} 字（授权书编号或履职依据），未查询。</source>
        <translation>The purpose must be one line of at most {limit} characters (authorisation number or legal duty); nothing was looked up.</translation>
    </message>
    <message>
        <source>查询用途不能是代码或身份证号码（像是扫描进了用途栏）：请填写授权书编号或履职依据，未查询。</source>
        <translation>The purpose cannot be a code or an identity number (it looks scanned into the purpose field): give the authorisation number or the legal duty. Nobody was looked up.</translation>
    </message>
    <message>
        <source>工号或密码不正确，未登录。</source>
        <translation>Wrong operator id or password; not signed in.</translation>
    </message>
    <message>
        <source>无法向平台登录（{why}），本机也没有工号 {operator} 的在线登录记录：请在平台可用时登录一次。</source>
        <translation>Cannot sign in with the platform ({why}), and operator {operator} has never signed in online on this computer: sign in once while the platform is available.</translation>
    </message>
    <message>
        <source>本机保存的离线登录记录已损坏：请在平台可用时重新登录。</source>
        <translation>The offline sign-in record on this computer is damaged: sign in again while the platform is available.</translation>
    </message>
    <message>
        <source>本机保存的离线登录记录强度不足：请在平台可用时重新登录。</source>
        <translation>The offline sign-in record on this computer is too weak: sign in again while the platform is available.</translation>
    </message>
    <message>
        <source>本机时钟（{now}）早于上次在线登录时间（{at}）：时钟可能被调回，不能离线登录。请校正时钟或连接平台。</source>
        <translation>This computer&apos;s clock ({now}) is before the last online sign-in ({at}): it may have been set back, so offline sign-in is refused. Correct the clock or connect to the platform.</translation>
    </message>
    <message>
        <source>无法向平台登录（{why}），且离线登录已过期：上次在线登录于 {at}，离线登录最多 {days} 天。请连接平台后登录。</source>
        <translation>Cannot sign in with the platform ({why}), and offline sign-in has expired: the last online sign-in was at {at}, offline sign-in lasts at most {days} days. Connect to the platform and sign in.</translation>
    </message>
    <message>
        <source>请输入工号和密码。</source>
        <translation>Enter operator id and password.</translation>
    </message>
    <message>
        <source>操作系统账户 {account} 未在配置 [operators.os_map] 中对应工号，不能核查。请联系信息技术人员。</source>
        <translation>OS account {account} has no operator id in [operators.os_map] and cannot check. Contact IT.</translation>
    </message>
    <message>
        <source>处理承诺须用 --state 说明结果：fulfilled（已履约）或 breached（违诺）。</source>
        <translation>Settling a commitment needs --state: fulfilled or breached.</translation>
    </message>
    <message>
        <source>{consequence} 确认请加上 --yes。</source>
        <translation>{consequence} To confirm, add --yes.</translation>
    </message>
    <message>
        <source>履约中</source>
        <translation>open</translation>
    </message>
    <message>
        <source>已履约</source>
        <translation>fulfilled</translation>
    </message>
    <message>
        <source>承诺不实/未履约</source>
        <translation>breached</translation>
    </message>
    <message>
        <source>确认违诺后：将上报信用平台，该主体记为承诺不实（列入重点关注），今后不能再适用告知承诺、容缺受理，须按一般程序办理；已作出的许可按规定撤销或责令整改。此操作不可撤回。</source>
        <translation>Once the breach is confirmed it is reported to the credit platform, the subject is recorded as having made a false commitment (focus list), it can no longer use notification or tolerance commitments and must go through the general procedure; a permit already granted is revoked or must be put right as the rules say. This cannot be undone.</translation>
    </message>
    <message>
        <source>未知的承诺类型“{type}”，可选：{choices}。</source>
        <translation>Unknown commitment type &quot;{type}&quot;; choose one of: {choices}.</translation>
    </message>
    <message>
        <source>本办件档案中该主体有承诺不实（违诺）记录：不适用告知承诺、容缺受理，请按一般程序办理。</source>
        <translation>This case file records a breached commitment of this subject: notification and tolerance commitments do not apply; use the general procedure.</translation>
    </message>
    <message>
        <source>不能记录{type}：{reason}。</source>
        <translation>Cannot record a {type}: {reason}.</translation>
    </message>
    <message>
        <source>本事项不接受{type}。本事项接受：{accepted}。</source>
        <translation>This item does not accept a {type}. It accepts: {accepted}.</translation>
    </message>
    <message>
        <source>记录信用承诺须填写已签署承诺书的编号。</source>
        <translation>Recording a credit commitment needs the number of the signed form.</translation>
    </message>
    <message>
        <source>信用承诺只随准予办理或容缺/附条件办理记录：请改选办理结果，或不记录承诺。</source>
        <translation>A credit commitment is recorded only with an approval (or a conditional approval): change the outcome, or record no commitment.</translation>
    </message>
    <message>
        <source>容缺受理须写明欠缺的材料（--missing）。</source>
        <translation>A tolerance commitment needs the missing materials (--missing).</translation>
    </message>
    <message>
        <source>容缺受理须写明补齐材料的期限（--due YYYY-MM-DD）。</source>
        <translation>A tolerance commitment needs the date the materials are due (--due YYYY-MM-DD).</translation>
    </message>
    <message>
        <source>只有容缺受理承诺记录欠缺的材料。</source>
        <translation>Only a tolerance commitment records missing materials.</translation>
    </message>
    <message>
        <source>欠缺材料最多 {n} 项。</source>
        <translation>At most {n} missing materials.</translation>
    </message>
    <message>
        <source>期限“{due}”不是日期，请写成 YYYY-MM-DD。</source>
        <translation>&quot;{due}&quot; is not a date: write it as YYYY-MM-DD.</translation>
    </message>
    <message>
        <source>期限 {due} 不在今天（{today}）之后：请给出今后的日期。</source>
        <translation>The due date {due} is not after today ({today}): give a date in the future.</translation>
    </message>
    <message>
        <source>主要负责人</source>
        <translation>principal</translation>
    </message>
    <message>
        <source>告知承诺</source>
        <translation>notification commitment</translation>
    </message>
    <message>
        <source>容缺受理承诺</source>
        <translation>tolerance commitment</translation>
    </message>
    <message>
        <source>信用修复承诺</source>
        <translation>credit repair commitment</translation>
    </message>
    <message>
        <source>主动承诺</source>
        <translation>voluntary commitment</translation>
    </message>
    <message>
        <source>{days} 天前</source>
        <translation>{days} days ago</translation>
    </message>
    <message>
        <source>{hours} 小时前</source>
        <translation>{hours} hours ago</translation>
    </message>
    <message>
        <source>信任根（root）</source>
        <translation>Trust root (root)</translation>
    </message>
    <message>
        <source>时间戳（timestamp）</source>
        <translation>Timestamp (timestamp)</translation>
    </message>
    <message>
        <source>快照元数据（snapshot）</source>
        <translation>Snapshot metadata (snapshot)</translation>
    </message>
    <message>
        <source>目标元数据（targets）</source>
        <translation>Targets metadata (targets)</translation>
    </message>
    <message>
        <source>{role}：缺少文件，快照不完整。请确认U盘或共享文件夹中的快照文件夹完整。</source>
        <translation>{role}: a file is missing, the snapshot is incomplete. Check that the snapshot folder on the USB stick or share is complete.</translation>
    </message>
    <message>
        <source>{role}：不是有效的快照或元数据。请选择省平台发布的快照文件夹（含 metadata 与 targets）。</source>
        <translation>{role}: not a valid snapshot or metadata. Choose a snapshot folder published by the provincial platform (with metadata and targets).</translation>
    </message>
    <message>
        <source>{role}：自然人数据的保护参数低于本机要求，拒绝安装。请向省平台索取正式快照。</source>
        <translation>{role}: natural persons&apos; data is protected with weaker parameters than this desk requires; not installed. Ask the provincial platform for an official snapshot.</translation>
    </message>
    <message>
        <source>{role}：签名未达到门槛，或不是由受信任的密钥签署。请向省平台索取正式快照。</source>
        <translation>{role}: not signed by enough trusted keys. Ask the provincial platform for an official snapshot.</translation>
    </message>
    <message>
        <source>{role}：比本机已信任的版本旧，拒绝回退到旧数据。请使用更新的快照。</source>
        <translation>{role}: older than the version this desk already trusts; going back to older data is refused. Use a newer snapshot.</translation>
    </message>
    <message>
        <source>{role}：已过期。请使用更新的快照，或联系省平台。</source>
        <translation>{role}: expired. Use a newer snapshot, or contact the provincial platform.</translation>
    </message>
    <message>
        <source>{role}：文件的长度或哈希与签名不符，文件被改动或来自不同版本。请向省平台索取正式快照。</source>
        <translation>{role}: a file&apos;s length or hash differs from what is signed; the file was altered or belongs to another version. Ask the provincial platform for an official snapshot.</translation>
    </message>
    <message>
        <source>{role}：文件超过允许的长度，已停止读取。请向省平台索取正式快照。</source>
        <translation>{role}: a file is longer than allowed; reading stopped. Ask the provincial platform for an official snapshot.</translation>
    </message>
    <message>
        <source>{role}：无法读取来源。请确认U盘已插好或共享文件夹可以访问。</source>
        <translation>{role}: the source could not be read. Check that the USB stick is plugged in or the share can be reached.</translation>
    </message>
    <message>
        <source>{role}：增量数据针对的不是本机已安装的版本。请使用完整快照或对应版本的增量。</source>
        <translation>{role}: the delta is for another version than the one installed. Use a full snapshot or the delta for the installed version.</translation>
    </message>
    <message>
        <source>{role}：数据与签署的分组表不符，数据文件被改动过。请重新导入快照。</source>
        <translation>{role}: the data differs from its signed bucket table; the data file was altered. Import the snapshot again.</translation>
    </message>
    <message>
        <source>{role}：没有可安装的快照。请确认U盘或共享文件夹中有省平台发布的快照。</source>
        <translation>{role}: no snapshot to install. Check that the USB stick or share holds a snapshot published by the provincial platform.</translation>
    </message>
    <message>
        <source>已取消安装，本机离线数据保持不变。</source>
        <translation>Installation cancelled; the offline data on this desk is unchanged.</translation>
    </message>
    <message>
        <source>{role}：本机已安装的离线数据与其签名元数据不符（被改动或损坏）。请重新导入快照。</source>
        <translation>{role}: the offline data installed on this desk no longer matches its signed metadata (altered or damaged). Import the snapshot again.</translation>
    </message>
    <message>
        <source>{role}：新的信任根没有旧信任根门槛数量的签名，拒绝。请联系省平台。</source>
        <translation>{role}: the new trust root is not signed by the old root&apos;s threshold of keys; refused. Contact the provincial platform.</translation>
    </message>
    <message>
        <source>有承诺不实（违背信用承诺）记录：不适用告知承诺、容缺受理，按一般程序办理</source>
        <translation>a breached credit commitment is on record: notification and tolerance commitments do not apply, use the general procedure</translation>
    </message>
    <message>
        <source>{categories}：不适用告知承诺、容缺受理，按一般程序办理</source>
        <translation>measure {measures} requires the general procedure: notification and tolerance commitments do not apply</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>承诺书编号</source>
        <translation>Commitment form number</translation>
    </message>
    <message>
        <source>欠缺材料</source>
        <translation>Missing materials</translation>
    </message>
    <message>
        <source>{field}中有一个公民身份号码：记录列表、导出和记录单按原样显示这一栏，号码会完整可见。请删去号码（需要时只写后四位）后再记档。未记档。</source>
        <translation>{field} holds a resident identity number: listings, exports and record sheets show this field as typed, so the number would be seen in full. Remove it (write only the last four digits if needed) and record again. Not recorded.</translation>
    </message>
    <message>
        <source>环境变量 CREDIT_DESK_HOME 指定的数据文件夹 {path} 无法使用（{error}）。请指向一个可写的文件夹。</source>
        <translation>The data folder {path} named by the environment variable CREDIT_DESK_HOME cannot be used ({error}). Point it at a folder that can be written.</translation>
    </message>
    <message>
        <source>数据文件夹 {path} 无法使用（{error}）。请检查它的权限，或联系信息技术人员。</source>
        <translation>The data folder {path} cannot be used ({error}). Check its permissions, or contact IT.</translation>
    </message>
</context>
</TS>
