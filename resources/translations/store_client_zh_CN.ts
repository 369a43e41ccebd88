<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApprovalDialog</name>
    <message>
        <source>Manager approval</source>
        <translation>店长授权</translation>
    </message>
    <message>
        <source>Manager approval needed</source>
        <translation>需要店长授权</translation>
    </message>
    <message>
        <source>%1 asks to: %2</source>
        <translation>%1 申请：%2</translation>
    </message>
    <message>
        <source>Manager ID</source>
        <translation>店长工号</translation>
    </message>
    <message>
        <source>Manager PIN</source>
        <translation>店长密码</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Why is this needed?</source>
        <translation>为什么需要此操作？</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>授权</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Enter the manager&apos;s ID and PIN.</source>
        <translation>请输入店长工号和密码。</translation>
    </message>
    <message>
        <source>Give a reason (at least %1 characters).</source>
        <translation>请填写原因（至少 %1 个字）。</translation>
    </message>
    <message>
        <source>Approval refused.</source>
        <translation>授权被拒绝。</translation>
    </message>
</context>
<context>
    <name>AuditScreen</name>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Refresh the audit log</source>
        <translation>刷新审计日志</translation>
    </message>
    <message>
        <source>Verify chain</source>
        <translation>校验日志链</translation>
    </message>
    <message>
        <source>Verify the audit hash chain</source>
        <translation>校验审计日志哈希链</translation>
    </message>
    <message>
        <source>The chain has not been verified in this session.</source>
        <translation>本次登录尚未校验日志链。</translation>
    </message>
    <message>
        <source>Verification result</source>
        <translation>校验结果</translation>
    </message>
    <message>
        <source>Audit entries</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <source>view the audit log</source>
        <translation>查看审计日志</translation>
    </message>
    <message>
        <source>Verifying…</source>
        <translation>正在校验…</translation>
    </message>
    <message>
        <source>verify the audit log</source>
        <translation>校验审计日志</translation>
    </message>
    <message>
        <source>Chain intact: %1 entries checked.</source>
        <translation>日志链完整：已校验 %1 条记录。</translation>
    </message>
    <message>
        <source>Chain BROKEN at entry %1: %2 (%3 entries checked).</source>
        <translation>日志链在第 %1 条处被破坏：%2（已校验 %3 条记录）。</translation>
    </message>
</context>
<context>
    <name>AuditTableModel</name>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>Diagnostics</name>
    <message>
        <source>store-client version</source>
        <extracomment>(key, label source text); the order of the rows on screen.</extracomment>
        <translation>store-client 版本</translation>
    </message>
    <message>
        <source>Configuration file</source>
        <translation>配置文件</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据目录</translation>
    </message>
    <message>
        <source>Database file</source>
        <translation>数据库文件</translation>
    </message>
    <message>
        <source>Schema revision</source>
        <translation>数据库结构版本</translation>
    </message>
    <message>
        <source>Products in catalog</source>
        <translation>商品数量</translation>
    </message>
    <message>
        <source>Events waiting for HQ</source>
        <translation>待上传总部的事件</translation>
    </message>
    <message>
        <source>HQ server</source>
        <translation>总部服务器</translation>
    </message>
    <message>
        <source>Qt / PySide6</source>
        <translation>Qt / PySide6</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <source>none (offline)</source>
        <translation>无（离线）</translation>
    </message>
</context>
<context>
    <name>DiagnosticsScreen</name>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Refresh diagnostics</source>
        <translation>刷新诊断信息</translation>
    </message>
    <message>
        <source>Copy to clipboard</source>
        <translation>复制到剪贴板</translation>
    </message>
    <message>
        <source>Copy diagnostics to the clipboard</source>
        <translation>将诊断信息复制到剪贴板</translation>
    </message>
    <message>
        <source>view diagnostics</source>
        <translation>查看诊断信息</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭（Esc）</translation>
    </message>
    <message>
        <source>Close help</source>
        <translation>关闭帮助</translation>
    </message>
</context>
<context>
    <name>IdleLockOverlay</name>
    <message>
        <source>Terminal locked</source>
        <translation>终端已锁定</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Sign in as another operator</source>
        <translation>换其他操作员登录</translation>
    </message>
    <message>
        <source>Signed in: %1 (%2). Enter the PIN to continue.</source>
        <translation>当前登录：%1（%2）。请输入密码继续。</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Clear field</source>
        <translation>清空输入框</translation>
    </message>
    <message>
        <source>Delete last digit</source>
        <translation>删除最后一位</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Digit %1</source>
        <translation>数字 %1</translation>
    </message>
</context>
<context>
    <name>LoginMessages</name>
    <message>
        <source>Wrong operator ID or PIN.</source>
        <translation>工号或密码错误。</translation>
    </message>
    <message>
        <source>Wrong operator ID or PIN. %1 attempt(s) left before this operator is locked.</source>
        <translation>工号或密码错误。再错 %1 次该操作员将被锁定。</translation>
    </message>
    <message>
        <source>Too many wrong PINs: this operator is locked until %1. Ask a manager for help.</source>
        <translation>密码错误次数过多：该操作员已锁定至 %1。请联系店长。</translation>
    </message>
    <message>
        <source>This operator account is disabled. Ask a manager.</source>
        <translation>该操作员账号已停用，请联系店长。</translation>
    </message>
    <message>
        <source>A PIN is 4 to 12 digits.</source>
        <translation>密码为 4 至 12 位数字。</translation>
    </message>
    <message>
        <source>Sign-in failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <source>Your role may not do this. Ask a manager.</source>
        <translation>您的岗位无权进行此操作，请联系店长。</translation>
    </message>
    <message>
        <source>This needs a manager&apos;s approval, which was not given.</source>
        <translation>此操作需要店长授权，但未获授权。</translation>
    </message>
    <message>
        <source>The manager approval was refused: %1</source>
        <translation>店长授权被拒绝：%1</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Operator ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Sign-in message</source>
        <translation>登录提示</translation>
    </message>
    <message>
        <source>Demo operators</source>
        <translation>演示操作员</translation>
    </message>
    <message>
        <source>Demo mode: tap a row to fill in the operator ID.</source>
        <translation>演示模式：点击一行即可填入工号。</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Enter your operator ID.</source>
        <translation>请输入工号。</translation>
    </message>
    <message>
        <source>Enter your PIN.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Store client — store %1, terminal %2</source>
        <translation>门店收银 — 门店 %1，终端 %2</translation>
    </message>
    <message>
        <source>Store %1 · Terminal %2</source>
        <translation>门店 %1 · 终端 %2</translation>
    </message>
    <message>
        <source>F1  Help</source>
        <translation>F1  帮助</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <source>F12  Lock</source>
        <translation>F12  锁屏</translation>
    </message>
    <message>
        <source>Lock the terminal</source>
        <translation>锁定终端</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Sign out (Ctrl+Q)</source>
        <translation>退出登录（Ctrl+Q）</translation>
    </message>
    <message>
        <source>Help: this list</source>
        <translation>帮助：本列表</translation>
    </message>
    <message>
        <source>Search / confirm</source>
        <translation>查询 / 确认</translation>
    </message>
    <message>
        <source>Close this help</source>
        <translation>关闭帮助</translation>
    </message>
</context>
<context>
    <name>OperatorTableModel</name>
    <message>
        <source>ID</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>岗位</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Wrong PINs</source>
        <translation>密码错误次数</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Locked until %1</source>
        <translation>锁定至 %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>正常</translation>
    </message>
</context>
<context>
    <name>OperatorsScreen</name>
    <message>
        <source>Operators</source>
        <translation>员工</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Refresh the operator list</source>
        <translation>刷新员工列表</translation>
    </message>
    <message>
        <source>Unlock selected operator</source>
        <translation>解锁所选员工</translation>
    </message>
    <message>
        <source>Unlock the selected operator</source>
        <translation>解锁所选员工</translation>
    </message>
    <message>
        <source>%1 (%2) can sign in again.</source>
        <translation>%1（%2）现在可以重新登录。</translation>
    </message>
</context>
<context>
    <name>ProductLookupScreen</name>
    <message>
        <source>Product lookup</source>
        <translation>商品查询</translation>
    </message>
    <message>
        <source>Barcode, SKU, name or pinyin</source>
        <translation>条码、货号、品名或拼音</translation>
    </message>
    <message>
        <source>Scan a barcode, or type a SKU, name or pinyin initials</source>
        <translation>扫描条码，或输入货号、品名、拼音首字母</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Products found</source>
        <translation>查询结果</translation>
    </message>
    <message>
        <source>Scan or type to search the catalog.</source>
        <translation>扫码或输入以查询商品。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>Nothing found for “%1”.</source>
        <translation>未找到“%1”。</translation>
    </message>
    <message>
        <source>First %1 products shown; type more to narrow the search.</source>
        <translation>仅显示前 %1 个商品，请输入更多字以缩小范围。</translation>
    </message>
    <message>
        <source>Products found: %1</source>
        <translation>找到商品：%1 个</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>查询失败：%1</translation>
    </message>
</context>
<context>
    <name>ProductTableModel</name>
    <message>
        <source>SKU</source>
        <translation>货号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>品名</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>品类</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Barcodes</source>
        <translation>条码</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>在售</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>Screens</name>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <source>Product lookup</source>
        <translation>商品查询</translation>
    </message>
    <message>
        <source>Operators</source>
        <translation>员工</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>Store</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>Store %1</source>
        <translation>门店 %1</translation>
    </message>
    <message>
        <source>Terminal</source>
        <translation>终端</translation>
    </message>
    <message>
        <source>Terminal %1</source>
        <translation>终端 %1</translation>
    </message>
    <message>
        <source>Sync state</source>
        <translation>同步状态</translation>
    </message>
    <message>
        <source>Clock</source>
        <translation>时钟</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
</context>
<context>
    <name>Tour</name>
    <message>
        <source>unlock a cashier locked after too many wrong PINs</source>
        <translation>解锁因密码错误过多而被锁定的收银员</translation>
    </message>
    <message>
        <source>Forgot PIN, identity checked</source>
        <translation>忘记密码，已核实身份</translation>
    </message>
</context>
<context>
    <name>Units</name>
    <message>
        <source>kg</source>
        <translation>千克</translation>
    </message>
    <message>
        <source>each</source>
        <translation>件</translation>
    </message>
</context>
</TS>
