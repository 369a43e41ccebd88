<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AisleDialog</name>
    <message>
        <source>Order from another store or the warehouse</source>
        <translation>从其他门店或仓库订货</translation>
    </message>
    <message>
        <source>Order %1 %2</source>
        <translation>订货：%1 %2</translation>
    </message>
    <message>
        <source>Where to order from</source>
        <translation>从哪里订货</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>Promised</source>
        <translation>预计</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>How the customer gets it</source>
        <translation>顾客如何取得商品</translation>
    </message>
    <message>
        <source>Pick up here</source>
        <translation>到店自提</translation>
    </message>
    <message>
        <source>Home delivery</source>
        <translation>送货上门</translation>
    </message>
    <message>
        <source>Customer&apos;s mobile number</source>
        <translation>顾客手机号码</translation>
    </message>
    <message>
        <source>11 digits: we send the pick-up or delivery notice</source>
        <translation>11 位数字：用于发送取货或送货通知</translation>
    </message>
    <message>
        <source>Delivery address</source>
        <translation>收货地址</translation>
    </message>
    <message>
        <source>Street, building, flat</source>
        <translation>街道、楼栋、房号</translation>
    </message>
    <message>
        <source>Reading the other sites&apos; stock…</source>
        <translation>正在读取其他门店和仓库的库存…</translation>
    </message>
    <message>
        <source>Add to sale</source>
        <translation>加入本单</translation>
    </message>
    <message>
        <source>Add the ordered item to the sale</source>
        <translation>把订货商品加入本单</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Fulfilment</source>
        <translation>交付方式</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>%1 (warehouse)</source>
        <translation>%1（仓库）</translation>
    </message>
    <message>
        <source>%1 · %2 km</source>
        <translation>%1 · %2 公里</translation>
    </message>
    <message>
        <source>time unknown</source>
        <translation>时间未知</translation>
    </message>
    <message>
        <source>%1 (older than 10 min)</source>
        <translation>%1（超过 10 分钟）</translation>
    </message>
    <message>
        <source>HQ has sent no other store&apos;s or warehouse&apos;s figure for this item.</source>
        <translation>总部尚未发送此商品在其他门店或仓库的库存。</translation>
    </message>
    <message>
        <source>%1-%2</source>
        <translation>%1月%2日</translation>
    </message>
    <message>
        <source>%1 at this store (%2 days)</source>
        <translation>%1 到本店（%2 天）</translation>
    </message>
    <message>
        <source>%1 at the address (%2 days)</source>
        <translation>%1 送达（%2 天）</translation>
    </message>
    <message>
        <source>Choose where to order from.</source>
        <translation>请选择订货来源。</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>正在加入…</translation>
    </message>
</context>
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
</context>
<context>
    <name>AuditActions</name>
    <message>
        <source>Approval granted</source>
        <translation>已授权</translation>
    </message>
    <message>
        <source>Approval refused</source>
        <translation>授权被拒绝</translation>
    </message>
    <message>
        <source>Approval used</source>
        <translation>使用授权</translation>
    </message>
    <message>
        <source>Locked out after wrong PINs</source>
        <translation>密码多次错误被锁定</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Sign-in failed</source>
        <translation>登录失败</translation>
    </message>
    <message>
        <source>Signed out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Unlocked the till</source>
        <translation>解锁收银机</translation>
    </message>
    <message>
        <source>Unlock failed</source>
        <translation>解锁失败</translation>
    </message>
    <message>
        <source>Drawer opened without a sale</source>
        <translation>无销售开钱箱</translation>
    </message>
    <message>
        <source>Operator created</source>
        <translation>新建员工</translation>
    </message>
    <message>
        <source>Operator deactivated</source>
        <translation>停用员工</translation>
    </message>
    <message>
        <source>PIN set</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <source>Operator unlocked</source>
        <translation>解除员工锁定</translation>
    </message>
    <message>
        <source>Manager approval needed</source>
        <translation>需要店长授权</translation>
    </message>
    <message>
        <source>Permission denied</source>
        <translation>无权限被拒</translation>
    </message>
    <message>
        <source>Reprinted</source>
        <translation>重打小票</translation>
    </message>
    <message>
        <source>Return refunded</source>
        <translation>退货退款</translation>
    </message>
    <message>
        <source>Exchange (return and new sale)</source>
        <translation>换货（退货与新销售）</translation>
    </message>
    <message>
        <source>Item ordered from another site added to the sale</source>
        <translation>外店/仓库订货商品加入销售</translation>
    </message>
    <message>
        <source>Order from another site sent with the sale</source>
        <translation>外店/仓库订货随销售发出</translation>
    </message>
    <message>
        <source>Order from another site refused</source>
        <translation>外店/仓库订货被拒绝</translation>
    </message>
    <message>
        <source>Flagged order from another site re-sourced</source>
        <translation>缺货的订货单已改换货源</translation>
    </message>
    <message>
        <source>Flagged order from another site cancelled and refunded</source>
        <translation>缺货的订货单已取消并退款</translation>
    </message>
    <message>
        <source>Return slip reprinted</source>
        <translation>重打退货单</translation>
    </message>
    <message>
        <source>Return cancelled (mobile refund declined)</source>
        <translation>退货已取消（移动支付退款被拒）</translation>
    </message>
    <message>
        <source>Return refused</source>
        <translation>退货被拒绝</translation>
    </message>
    <message>
        <source>Return conflict or overdraft resolved</source>
        <translation>退货冲突或储值券透支已处理</translation>
    </message>
    <message>
        <source>Return conflict or overdraft: resolution refused</source>
        <translation>退货冲突或储值券透支：处理被拒绝</translation>
    </message>
    <message>
        <source>Store credit note refused</source>
        <translation>储值券被拒用</translation>
    </message>
    <message>
        <source>Discount on the sale</source>
        <translation>整单折扣</translation>
    </message>
    <message>
        <source>Discount on a line</source>
        <translation>单品折扣</translation>
    </message>
    <message>
        <source>Price overridden</source>
        <translation>改价</translation>
    </message>
    <message>
        <source>Payment removed</source>
        <translation>删除付款</translation>
    </message>
    <message>
        <source>Sale voided</source>
        <translation>整单作废</translation>
    </message>
    <message>
        <source>Another operator&apos;s sale parked for them</source>
        <translation>为另一操作员挂单其交易</translation>
    </message>
    <message>
        <source>Sale taken over from another operator</source>
        <translation>接手另一操作员的交易</translation>
    </message>
    <message>
        <source>Shift closed</source>
        <translation>交班</translation>
    </message>
    <message>
        <source>Cash count off by more than the tolerance</source>
        <translation>点钞差额超出容差</translation>
    </message>
    <message>
        <source>Shift opened</source>
        <translation>开班</translation>
    </message>
    <message>
        <source>Cash paid in</source>
        <translation>存入现金</translation>
    </message>
    <message>
        <source>Cash paid out</source>
        <translation>取出现金</translation>
    </message>
    <message>
        <source>Pay-out refused: more than the drawer holds</source>
        <translation>取出现金被拒：超过钱箱应有金额</translation>
    </message>
    <message>
        <source>X report viewed</source>
        <translation>查看 X 报表</translation>
    </message>
    <message>
        <source>Pick-up step refused by HQ (on the manager&apos;s list)</source>
        <translation>自提步骤被总部拒绝（已列入店长待办）</translation>
    </message>
    <message>
        <source>Pick-up conflict resolved</source>
        <translation>自提冲突已处理</translation>
    </message>
    <message>
        <source>Pick-up step refused at the till</source>
        <translation>自提步骤在收银台被拒绝</translation>
    </message>
    <message>
        <source>Member profile opened</source>
        <translation>打开会员档案</translation>
    </message>
    <message>
        <source>New member enrolled by the associate&apos;s QR</source>
        <translation>导购二维码新注册会员</translation>
    </message>
    <message>
        <source>Member&apos;s full phone number, birthday or address revealed</source>
        <translation>会员的完整手机号、生日或地址已查看</translation>
    </message>
    <message>
        <source>Reveal of a member&apos;s phone number, birthday or address refused</source>
        <translation>查看会员手机号、生日或地址被拒绝</translation>
    </message>
    <message>
        <source>Member agreed on the customer display to show their online browsing</source>
        <translation>会员在顾客显示屏上同意展示其线上浏览记录</translation>
    </message>
    <message>
        <source>Member&apos;s online browsing withheld (declined, no answer or no customer display)</source>
        <translation>会员线上浏览记录未展示（会员拒绝、未应答或无顾客显示屏）</translation>
    </message>
    <message>
        <source>Members searched by name</source>
        <translation>按姓名查会员</translation>
    </message>
    <message>
        <source>Stock count planned</source>
        <translation>创建盘点计划</translation>
    </message>
    <message>
        <source>Stock count submitted for review</source>
        <translation>盘点提交复核</translation>
    </message>
    <message>
        <source>Stock count sent to a recount</source>
        <translation>盘点差异送复盘</translation>
    </message>
    <message>
        <source>Stock count adjustment posted</source>
        <translation>盘点调整已过账</translation>
    </message>
    <message>
        <source>Stock count cancelled</source>
        <translation>盘点已取消</translation>
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
    <name>BoardListDialog</name>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>List status</source>
        <translation>列表状态</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Close the list</source>
        <translation>关闭列表</translation>
    </message>
    <message>
        <source>Nothing to list.</source>
        <translation>没有记录。</translation>
    </message>
    <message>
        <source>%1 rows (the first ones; the CSV export has them all)</source>
        <translation>前 %1 行（导出的 CSV 含全部记录）</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>%1 行</translation>
    </message>
</context>
<context>
    <name>BoardScreen</name>
    <message>
        <source>Day shown</source>
        <translation>显示的日期</translation>
    </message>
    <message>
        <source>Board status</source>
        <translation>看板状态</translation>
    </message>
    <message>
        <source>Export day (CSV)</source>
        <translation>导出当日 (CSV)</translation>
    </message>
    <message>
        <source>Export the day&apos;s sales and returns as CSV</source>
        <translation>将当日销售和退货导出为 CSV</translation>
    </message>
    <message>
        <source>Save board (PNG)</source>
        <translation>保存看板 (PNG)</translation>
    </message>
    <message>
        <source>Save the board as a picture</source>
        <translation>将看板保存为图片</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Refresh the figures</source>
        <translation>刷新数据</translation>
    </message>
    <message>
        <source>Return conflicts</source>
        <translation>退货冲突</translation>
    </message>
    <message>
        <source>Return conflicts and credit overdrafts HQ found for this store</source>
        <translation>总部发现的本店退货冲突和储值券透支</translation>
    </message>
    <message>
        <source>Sales today</source>
        <translation>今日销售</translation>
    </message>
    <message>
        <source>Sales today: Enter lists the day&apos;s sales</source>
        <translation>今日销售：按回车列出当日销售</translation>
    </message>
    <message>
        <source>Basket</source>
        <translation>客单价</translation>
    </message>
    <message>
        <source>Average basket: Enter lists the day&apos;s sales</source>
        <translation>平均客单价：按回车列出当日销售</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Returns today: Enter lists them</source>
        <translation>今日退货：按回车列出</translation>
    </message>
    <message>
        <source>Pick-up</source>
        <translation>自提</translation>
    </message>
    <message>
        <source>Pick-up orders: Enter lists those waiting</source>
        <translation>自提订单：按回车列出待处理订单</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Member points: Enter lists the day&apos;s sales</source>
        <translation>会员积分：按回车列出当日销售</translation>
    </message>
    <message>
        <source>New members</source>
        <translation>新会员</translation>
    </message>
    <message>
        <source>Enrollments by associate: Enter lists them</source>
        <translation>各导购注册会员数：按回车列出</translation>
    </message>
    <message>
        <source>Stock freshness</source>
        <translation>库存新鲜度</translation>
    </message>
    <message>
        <source>Stock freshness: Enter lists the stale positions</source>
        <translation>库存新鲜度：按回车列出过时的库存</translation>
    </message>
    <message>
        <source>Sync with HQ</source>
        <translation>与总部同步</translation>
    </message>
    <message>
        <source>The store&apos;s tills: Enter lists each one&apos;s queue and last contact</source>
        <translation>本店各收银机：回车列出每台的待传队列和最近联络</translation>
    </message>
    <message>
        <source>Sales by hour (%1)</source>
        <translation>分时销售额（%1）</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Same day last week</source>
        <translation>上周同日</translation>
    </message>
    <message>
        <source>Sales by hour, today beside the same weekday last week</source>
        <translation>分时销售额：今天与上周同日对比</translation>
    </message>
    <message>
        <source>Payment mix</source>
        <translation>支付方式构成</translation>
    </message>
    <message>
        <source>Payment mix of the day&apos;s sales</source>
        <translation>当日销售的支付方式构成</translation>
    </message>
    <message>
        <source>Store board</source>
        <translation>门店看板</translation>
    </message>
    <message>
        <source>%1 · updated %2</source>
        <translation>%1 · 更新于 %2</translation>
    </message>
    <message>
        <source>no sales yet</source>
        <translation>暂无销售</translation>
    </message>
    <message>
        <source>%1 sales · same day last week %2</source>
        <translation>%1 笔 · 上周同日 %2</translation>
    </message>
    <message>
        <source>%1 items per sale</source>
        <translation>每单 %1 件</translation>
    </message>
    <message>
        <source>%1 returns · %2 of those attempted completed</source>
        <translation>%1 笔 · 退货成功率 %2</translation>
    </message>
    <message>
        <source>No return attempted</source>
        <translation>暂无退货</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>%1 单待处理</translation>
    </message>
    <message>
        <source>%1 overdue · ready in time %2</source>
        <translation>超时 %1 单 · 按时备货 %2</translation>
    </message>
    <message>
        <source>issued / redeemed, net of returns</source>
        <translation>发放 / 抵扣（已扣除退货）</translation>
    </message>
    <message>
        <source>nobody enrolled yet</source>
        <translation>暂无新注册</translation>
    </message>
    <message>
        <source>at HQ, oldest %1 · till %2</source>
        <translation>总部，最旧 %1 · 本机 %2</translation>
    </message>
    <message>
        <source>oldest %1 · HQ last contact %2</source>
        <translation>最早 %1 · 上次联系总部 %2</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>oldest %1 · %2 of %3 tills behind</source>
        <translation>最早 %1 · %3 台中 %2 台滞后</translation>
    </message>
    <message>
        <source>Sales of the day</source>
        <translation>当日销售</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>小票号</translation>
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
        <source>Items</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Payment</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <source>Returns of the day</source>
        <translation>当日退货</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退货单号</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Pick-up orders waiting</source>
        <translation>待处理的自提订单</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单号</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>Promised</source>
        <translation>承诺时间</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>New members by associate</source>
        <translation>各导购注册的新会员</translation>
    </message>
    <message>
        <source>Associate</source>
        <translation>导购</translation>
    </message>
    <message>
        <source>no associate named</source>
        <translation>未注明店员</translation>
    </message>
    <message>
        <source>Stock positions older than 10 minutes</source>
        <translation>超过 10 分钟未更新的库存</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>货号</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>The store&apos;s tills and HQ</source>
        <translation>本店各收银机与总部</translation>
    </message>
    <message>
        <source>Till</source>
        <translation>收银机</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>待传</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>最早</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>最近联络</translation>
    </message>
    <message>
        <source>%1 (this till)</source>
        <translation>%1（本机）</translation>
    </message>
    <message>
        <source>behind</source>
        <translation>滞后</translation>
    </message>
    <message>
        <source>in touch</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Return conflicts (%1)</source>
        <translation>退货冲突 (%1)</translation>
    </message>
    <message>
        <source>%1 open</source>
        <translation>待处理 %1 项</translation>
    </message>
    <message>
        <source>none open</source>
        <translation>没有待处理的</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>单号</translation>
    </message>
    <message>
        <source>Payment or reason</source>
        <translation>支付方式或原因</translation>
    </message>
    <message>
        <source>Writing the CSV…</source>
        <translation>正在写入 CSV…</translation>
    </message>
    <message>
        <source>sale</source>
        <translation>销售</translation>
    </message>
    <message>
        <source>return</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>已保存：%1</translation>
    </message>
</context>
<context>
    <name>BoardWords</name>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>移动支付</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Online payment</source>
        <translation>线上支付</translation>
    </message>
    <message>
        <source>Exchange credit</source>
        <translation>换货抵扣</translation>
    </message>
    <message>
        <source>Store credit note</source>
        <translation>储值券</translation>
    </message>
    <message>
        <source>Other payment</source>
        <translation>其他支付</translation>
    </message>
    <message>
        <source>Damaged or faulty</source>
        <translation>商品损坏或有质量问题</translation>
    </message>
    <message>
        <source>Wrong item</source>
        <translation>商品不符</translation>
    </message>
    <message>
        <source>Changed mind</source>
        <translation>不想要了</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>to pick</source>
        <translation>待拣货</translation>
    </message>
    <message>
        <source>picking</source>
        <translation>拣货中</translation>
    </message>
    <message>
        <source>ready for pick-up</source>
        <translation>待取货</translation>
    </message>
    <message>
        <source>refunded</source>
        <translation>已退款</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>This till</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>HQ</source>
        <translation>总部</translation>
    </message>
    <message>
        <source>Returned twice</source>
        <translation>重复退货</translation>
    </message>
    <message>
        <source>Credit note overdrawn</source>
        <translation>储值券透支</translation>
    </message>
</context>
<context>
    <name>CartTableModel</name>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Discount</source>
        <translation>优惠</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
</context>
<context>
    <name>CheckoutScreen</name>
    <message>
        <source>Item code</source>
        <translation>商品条码</translation>
    </message>
    <message>
        <source>Scan, or type a barcode / SKU and press Enter</source>
        <translation>扫码，或输入条码 / 货号后按回车</translation>
    </message>
    <message>
        <source>Items in this sale</source>
        <translation>本单商品</translation>
    </message>
    <message>
        <source>Search the catalog</source>
        <translation>查找商品</translation>
    </message>
    <message>
        <source>Search the catalog for this code</source>
        <translation>在商品库中查找此条码</translation>
    </message>
    <message>
        <source>Selling is not available: the checkout service is not set up.</source>
        <translation>无法收银：收银服务未配置。</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <source>Void line</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Void sale</source>
        <translation>整单作废</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>挂单 / 取单</translation>
    </message>
    <message>
        <source>Do what the message offers</source>
        <translation>执行提示中的操作</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>重打小票</translation>
    </message>
    <message>
        <source>Reprint the last receipt (marked as a copy)</source>
        <translation>重打上一张小票（标为补打）</translation>
    </message>
    <message>
        <source>Change the quantity of the selected line</source>
        <translation>修改所选行的数量</translation>
    </message>
    <message>
        <source>Suspend this sale, or resume one</source>
        <translation>挂起本单，或取回挂单</translation>
    </message>
    <message>
        <source>Void the selected line (asks first)</source>
        <translation>删除所选行（先确认）</translation>
    </message>
    <message>
        <source>Void the whole sale (asks a reason)</source>
        <translation>整单作废（需填写原因）</translation>
    </message>
    <message>
        <source>Override</source>
        <translation>改价 / 折扣</translation>
    </message>
    <message>
        <source>Price override or discount</source>
        <translation>改价或折扣</translation>
    </message>
    <message>
        <source>Pay</source>
        <translation>结账</translation>
    </message>
    <message>
        <source>Pay (Space, + with the item box empty)</source>
        <translation>结账（输入框为空时也可按空格或 +）</translation>
    </message>
    <message>
        <source>Remove the member from this sale</source>
        <translation>从本单移除会员</translation>
    </message>
    <message>
        <source>Remove the last coupon</source>
        <translation>移除最后一张优惠券</translation>
    </message>
    <message>
        <source>Cancel the exchange (drop its credit)</source>
        <translation>取消换货（作废抵扣）</translation>
    </message>
    <message>
        <source>Select the line above</source>
        <translation>选择上一行</translation>
    </message>
    <message>
        <source>Select the line below</source>
        <translation>选择下一行</translation>
    </message>
    <message>
        <source>Add the code typed in the item box</source>
        <translation>添加输入框中的条码</translation>
    </message>
    <message>
        <source>This sale was still open when the till stopped and has been restored (%1 lines, %2). Check it with the customer, or void it with F9.</source>
        <translation>收银机停止时本单尚未完成，已恢复（%1 行，%2）。请与顾客核对，或按 F9 整单作废。</translation>
    </message>
    <message>
        <source>The sale operator %1 left open was parked for them: find it with F7 on an empty sale.</source>
        <translation>操作员 %1 未完成的交易已为其挂单：在空交易上按 F7 可找到。</translation>
    </message>
    <message>
        <source>Something went wrong: %1</source>
        <translation>出错了：%1</translation>
    </message>
    <message>
        <source>Open a shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <source>Take over this sale</source>
        <translation>接手这笔交易</translation>
    </message>
    <message>
        <source>Ask a manager to open a shift on this till.</source>
        <translation>请店长在本收银机开班。</translation>
    </message>
    <message>
        <source>You took this sale over.</source>
        <translation>您已接手这笔交易。</translation>
    </message>
    <message>
        <source>%1: the check digit is wrong. Scan it again or type the code.</source>
        <translation>%1：校验位错误。请重新扫描或手动输入条码。</translation>
    </message>
    <message>
        <source>%1: the price or weight on this label does not add up. Weigh the item again.</source>
        <translation>%1：标签上的价格或重量校验不符。请重新称重。</translation>
    </message>
    <message>
        <source>%1 is not a barcode this till knows. Search for the product?</source>
        <translation>%1 不是本收银机可识别的条码。要查找商品吗？</translation>
    </message>
    <message>
        <source>No product has the code %1. Search for it by name?</source>
        <translation>没有条码为 %1 的商品。要按名称查找吗？</translation>
    </message>
    <message>
        <source>%1 is a weight label, but this product is not sold by weight.</source>
        <translation>%1 是称重标签，但该商品不按重量销售。</translation>
    </message>
    <message>
        <source>That is a customer&apos;s payment code: press F11 and choose mobile payment.</source>
        <translation>这是顾客的付款码：请按 F11 并选择移动支付。</translation>
    </message>
    <message>
        <source>That code is too long to be a barcode.</source>
        <translation>该编码过长，不是有效条码。</translation>
    </message>
    <message>
        <source>That code has characters no barcode uses.</source>
        <translation>该编码含有条码不会使用的字符。</translation>
    </message>
    <message>
        <source>Member %1 attached.</source>
        <translation>已关联会员 %1。</translation>
    </message>
    <message>
        <source>Coupon applied.</source>
        <translation>优惠券已使用。</translation>
    </message>
    <message>
        <source>Receipt %1 scanned: returns are not available to you here.</source>
        <translation>已扫描小票 %1：您在此无法办理退货。</translation>
    </message>
    <message>
        <source>%1 is sold by weight: weigh it and scan the scale&apos;s label.</source>
        <translation>%1 为称重商品：请称重后扫描电子秤标签。</translation>
    </message>
    <message>
        <source>A weighed item&apos;s quantity comes from the scale: void it and scan a new label.</source>
        <translation>称重商品的数量来自电子秤：请删除该行并扫描新标签。</translation>
    </message>
    <message>
        <source>Change quantity</source>
        <translation>修改数量</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Type a whole number from 1 to 9999.</source>
        <translation>请输入 1 到 9999 之间的整数。</translation>
    </message>
    <message>
        <source>Attach a member</source>
        <translation>关联会员</translation>
    </message>
    <message>
        <source>Member code, card or phone</source>
        <translation>会员码、会员卡号或手机号</translation>
    </message>
    <message>
        <source>Scan or type a member code or phone number.</source>
        <translation>请扫描或输入会员码或手机号。</translation>
    </message>
    <message>
        <source>Scan the member code or type the phone number</source>
        <translation>扫描会员码或输入手机号</translation>
    </message>
    <message>
        <source>Redeem a coupon</source>
        <translation>使用优惠券</translation>
    </message>
    <message>
        <source>Pick-up code %1 scanned: handing over online orders is not available to you here.</source>
        <translation>已扫描自提码 %1：您在此无权交付网上订单。</translation>
    </message>
    <message>
        <source>Coupon code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>Scan or type the coupon code.</source>
        <translation>请扫描或输入券码。</translation>
    </message>
    <message>
        <source>Scan the coupon on the customer&apos;s phone</source>
        <translation>扫描顾客手机上的优惠券</translation>
    </message>
    <message>
        <source>Sale suspended. Press F7 on an empty sale to resume it.</source>
        <translation>已挂单。在空单时按 F7 可取单。</translation>
    </message>
    <message>
        <source>%1 items</source>
        <translation>%1 行商品</translation>
    </message>
    <message>
        <source>Void a line</source>
        <translation>删除行</translation>
    </message>
    <message>
        <source>Remove %1 × %2 (%3) from the sale?</source>
        <translation>从本单删除 %1 × %2（%3）？</translation>
    </message>
    <message>
        <source>Void line (Enter)</source>
        <translation>删除行（回车）</translation>
    </message>
    <message>
        <source>Keep it (Esc)</source>
        <translation>保留（Esc）</translation>
    </message>
    <message>
        <source>remove a line from the sale</source>
        <translation>删除一行商品</translation>
    </message>
    <message>
        <source>Void the whole sale</source>
        <translation>整单作废</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Give a reason (at least 3 characters).</source>
        <translation>请填写原因（至少 3 个字）。</translation>
    </message>
    <message>
        <source>void the whole sale</source>
        <translation>整单作废</translation>
    </message>
    <message>
        <source>Sale voided.</source>
        <translation>已整单作废。</translation>
    </message>
    <message>
        <source>Type an amount above zero, such as 12.50.</source>
        <translation>请输入大于零的金额，例如 12.50。</translation>
    </message>
    <message>
        <source>Type a percentage above 0 and at most 100, such as 10.</source>
        <translation>请输入大于 0 且不超过 100 的百分比，例如 10。</translation>
    </message>
    <message>
        <source>override a price</source>
        <translation>修改价格</translation>
    </message>
    <message>
        <source>give a discount on a line</source>
        <translation>给单行商品打折</translation>
    </message>
    <message>
        <source>give a discount on the whole sale</source>
        <translation>给整单打折</translation>
    </message>
    <message>
        <source>Nothing to pay yet: scan an item first.</source>
        <translation>尚无可结账商品：请先扫码。</translation>
    </message>
    <message>
        <source>No sale has been completed here yet: nothing to print again.</source>
        <translation>本机尚未完成任何销售，没有可重打的小票。</translation>
    </message>
    <message>
        <source>Change due: %2
Sale complete · receipt %1</source>
        <translation>找零：%2
交易完成 · 小票 %1</translation>
    </message>
</context>
<context>
    <name>ChoiceDialog</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
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
        <source>Run checks</source>
        <translation>运行检查</translation>
    </message>
    <message>
        <source>Run the doctor&apos;s checks</source>
        <translation>运行诊断检查</translation>
    </message>
    <message>
        <source>Check results</source>
        <translation>检查结果</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查项</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>What to do</source>
        <translation>处理办法</translation>
    </message>
    <message>
        <source>view diagnostics</source>
        <translation>查看诊断信息</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
</context>
<context>
    <name>DispositionBox</name>
    <message>
        <source>Where %1 goes</source>
        <translation>%1 的去向</translation>
    </message>
    <message>
        <source>Back to stock</source>
        <translation>退回库存</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>损坏</translation>
    </message>
    <message>
        <source>Return to vendor</source>
        <translation>退供应商</translation>
    </message>
</context>
<context>
    <name>DoctorLabels</name>
    <message>
        <source>Configuration</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <source>Free disk space</source>
        <translation>磁盘剩余空间</translation>
    </message>
    <message>
        <source>Data folder rights</source>
        <translation>数据文件夹权限</translation>
    </message>
    <message>
        <source>HQ token store</source>
        <translation>总部令牌存储</translation>
    </message>
    <message>
        <source>HQ reachable</source>
        <translation>总部可连接</translation>
    </message>
    <message>
        <source>HQ certificate</source>
        <translation>总部证书</translation>
    </message>
    <message>
        <source>Sync protocol version</source>
        <translation>同步协议版本</translation>
    </message>
    <message>
        <source>HQ accepts this till</source>
        <translation>总部认可本收银机</translation>
    </message>
    <message>
        <source>Clock against HQ</source>
        <translation>与总部的时钟差</translation>
    </message>
    <message>
        <source>Receipt printer and paper</source>
        <translation>小票打印机与纸张</translation>
    </message>
    <message>
        <source>Barcode scanner</source>
        <translation>条码扫描枪</translation>
    </message>
    <message>
        <source>Fonts and translations</source>
        <translation>字体与翻译</translation>
    </message>
    <message>
        <source>Events waiting for HQ</source>
        <translation>等待发送总部的事件</translation>
    </message>
    <message>
        <source>Data from HQ</source>
        <translation>来自总部的数据</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>注意</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>Call store IT: the configuration needs fixing.</source>
        <translation>请联系门店 IT：配置需要修正。</translation>
    </message>
    <message>
        <source>Call store IT before selling more: the database needs care.</source>
        <translation>请先联系门店 IT 再继续销售：数据库需要处理。</translation>
    </message>
    <message>
        <source>Call store IT: the disk is nearly full.</source>
        <translation>请联系门店 IT：磁盘即将用满。</translation>
    </message>
    <message>
        <source>Call store IT: the data folder rights are wrong.</source>
        <translation>请联系门店 IT：数据文件夹权限不正确。</translation>
    </message>
    <message>
        <source>Call store IT: the HQ token is missing or unsafe.</source>
        <translation>请联系门店 IT：总部令牌缺失或不安全。</translation>
    </message>
    <message>
        <source>Check the network cable; selling continues offline.</source>
        <translation>请检查网线；收银可离线继续。</translation>
    </message>
    <message>
        <source>Call store IT: HQ&apos;s certificate is not valid.</source>
        <translation>请联系门店 IT：总部证书无效。</translation>
    </message>
    <message>
        <source>Call store IT: the till or HQ needs an upgrade; selling continues offline.</source>
        <translation>请联系门店 IT：收银机或总部需要升级；收银可离线继续。</translation>
    </message>
    <message>
        <source>Call store IT: HQ does not accept this till.</source>
        <translation>请联系门店 IT：总部不认可本收银机。</translation>
    </message>
    <message>
        <source>Call store IT: the PC&apos;s clock is wrong.</source>
        <translation>请联系门店 IT：电脑时钟不正确。</translation>
    </message>
    <message>
        <source>Check the printer&apos;s power, cable and paper.</source>
        <translation>请检查打印机电源、连线和纸张。</translation>
    </message>
    <message>
        <source>Check the scanner&apos;s cable, then scan a code to test it.</source>
        <translation>请检查扫描枪连线，然后扫一个条码测试。</translation>
    </message>
    <message>
        <source>Call store IT: the installation is incomplete.</source>
        <translation>请联系门店 IT：安装不完整。</translation>
    </message>
    <message>
        <source>Open the Sync screen; call store IT if it persists.</source>
        <translation>请打开同步页面；如持续出现请联系门店 IT。</translation>
    </message>
    <message>
        <source>Use Sync now; call store IT if it persists.</source>
        <translation>请点“立即同步”；如持续出现请联系门店 IT。</translation>
    </message>
    <message>
        <source>Call store IT.</source>
        <translation>请联系门店 IT。</translation>
    </message>
</context>
<context>
    <name>ExchangeBar</name>
    <message>
        <source>Exchange in progress</source>
        <translation>换货进行中</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>移动支付</translation>
    </message>
    <message>
        <source>Online payment</source>
        <translation>线上原路退回</translation>
    </message>
    <message>
        <source>Exchange: %1 item(s) back from receipt %2, credit %3.</source>
        <translation>换货：原小票 %2 退回 %1 件，抵扣 %3。</translation>
    </message>
    <message>
        <source>Scan the new item(s), then F11. Shift+F9 cancels the exchange.</source>
        <translation>请扫描换购的新商品，然后按 F11 结算；Shift+F9 取消换货。</translation>
    </message>
    <message>
        <source>The customer gets %1 back (%2).</source>
        <translation>应退顾客 %1（%2）。</translation>
    </message>
    <message>
        <source>The customer pays %1 more.</source>
        <translation>顾客需补付 %1。</translation>
    </message>
    <message>
        <source>Shift+F9 cancels the exchange.</source>
        <translation>Shift+F9 取消换货。</translation>
    </message>
    <message>
        <source>Card refund</source>
        <translation>银行卡退款</translation>
    </message>
    <message>
        <source>Refund %1 on the card terminal, then type its refund reference</source>
        <translation>请在刷卡机上退款 %1，然后输入退款参考号</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Type the card terminal&apos;s refund reference.</source>
        <translation>请输入刷卡机的退款参考号。</translation>
    </message>
    <message>
        <source>A card reference is at most 40 characters.</source>
        <translation>参考号最多 40 个字符。</translation>
    </message>
    <message>
        <source>Exchange on receipt %1</source>
        <translation>原小票 %1 换货</translation>
    </message>
    <message>
        <source>Exchange complete · receipt %1</source>
        <translation>换货完成 · 小票 %1</translation>
    </message>
    <message>
        <source>Return %1</source>
        <translation>退货单 %1</translation>
    </message>
    <message>
        <source>Give back: %1</source>
        <translation>退还顾客：%1</translation>
    </message>
    <message>
        <source>Paid on top: %1 · change due: %2</source>
        <translation>补付：%1 · 找零：%2</translation>
    </message>
    <message>
        <source>Points back to the member: %1</source>
        <translation>退回会员积分：%1</translation>
    </message>
    <message>
        <source>Earned points taken back: %1</source>
        <translation>扣回已得积分：%1</translation>
    </message>
    <message>
        <source>Already done before: nothing more was paid or refunded now.</source>
        <translation>此换货之前已完成：这次没有再收款或退款。</translation>
    </message>
    <message>
        <source>No exchange is in progress.</source>
        <translation>当前没有进行中的换货。</translation>
    </message>
    <message>
        <source>Exchange cancelled: nothing was returned. The new items stay on the sale (F9 voids it).</source>
        <translation>换货已取消：没有办理退货。新商品仍在本单中（按 F9 可作废）。</translation>
    </message>
</context>
<context>
    <name>ExchangeStarter</name>
    <message>
        <source>Look the receipt up first, then choose the items to exchange.</source>
        <translation>请先查找小票，再选择要换的商品。</translation>
    </message>
    <message>
        <source>Choose the items to exchange.</source>
        <translation>请选择要换的商品。</translation>
    </message>
    <message>
        <source>Choose the reason for the exchange (F7).</source>
        <translation>请选择换货原因（F7）。</translation>
    </message>
    <message>
        <source>Describe the reason for the exchange.</source>
        <translation>请填写换货原因。</translation>
    </message>
    <message>
        <source>Exchanges need the checkout, which you may not use here.</source>
        <translation>换货需要使用收银界面，您在此无权使用。</translation>
    </message>
</context>
<context>
    <name>FlaggedActions</name>
    <message>
        <source>%1 is ordered from %2 now.</source>
        <translation>%1 已改为从 %2 调货。</translation>
    </message>
    <message>
        <source>Cancel %1 and refund the customer</source>
        <translation>取消 %1 并为顾客退款</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Give a reason (at least 3 characters).</source>
        <translation>请填写原因（至少 3 个字符）。</translation>
    </message>
    <message>
        <source>Cancel and refund</source>
        <translation>取消并退款</translation>
    </message>
    <message>
        <source>cancel the endless-aisle order %1 and refund it</source>
        <translation>取消订货单 %1 并退款</translation>
    </message>
    <message>
        <source>%1 is cancelled: HQ refunds %2.</source>
        <translation>%1 已取消：总部退款 %2。</translation>
    </message>
    <message>
        <source>%1 is cancelled: give the customer %2 in cash from the drawer.</source>
        <translation>%1 已取消：请从钱箱取 %2 现金退给顾客。</translation>
    </message>
    <message>
        <source>HQ refunds the other %1 to the original payment.</source>
        <translation>其余 %1 由总部原路退回。</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Scroll the keys</source>
        <translation>滚动按键列表</translation>
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
    <name>Keys</name>
    <message>
        <source>Help: the keys of this screen</source>
        <extracomment>Ctrl+&lt;digit&gt; opens the n-th screen of the rail: 1 … 9, then 0 for the tenth. The next / previous screen of the rail: every screen, also those past the tenth. F-keys a screen or dialog may give its own actions.</extracomment>
        <translation>帮助：本界面的按键</translation>
    </message>
    <message>
        <source>Lock the terminal</source>
        <translation>锁定收银机</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <source>Next screen</source>
        <translation>下一个界面</translation>
    </message>
    <message>
        <source>Previous screen</source>
        <translation>上一个界面</translation>
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
        <source>Setup notice</source>
        <translation>设置提示</translation>
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
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <source>Scroll the list of screens</source>
        <translation>滚动界面列表</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁屏</translation>
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
        <source>On this screen: %1</source>
        <translation>本界面：%1</translation>
    </message>
    <message>
        <source>Screens</source>
        <translation>切换界面</translation>
    </message>
    <message>
        <source>Everywhere</source>
        <translation>任何界面</translation>
    </message>
</context>
<context>
    <name>MemberProfileText</name>
    <message>
        <source>Last purchases: %1</source>
        <translation>最近购买：%1</translation>
    </message>
    <message>
        <source>No purchases yet.</source>
        <translation>暂无购买记录。</translation>
    </message>
    <message>
        <source>in store</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>online</source>
        <translation>线上</translation>
    </message>
    <message>
        <source>%1 %2 (%3)</source>
        <translation>%1 %2（%3）</translation>
    </message>
    <message>
        <source>other channel</source>
        <translation>其他渠道</translation>
    </message>
    <message>
        <source>Points: %1</source>
        <translation>积分：%1</translation>
    </message>
    <message>
        <source>%1 %2, %3 items, %4</source>
        <translation>%1 %2，%3 件，%4</translation>
    </message>
    <message>
        <source>being prepared</source>
        <translation>备货中</translation>
    </message>
    <message>
        <source>ready for pick-up</source>
        <translation>待取货</translation>
    </message>
    <message>
        <source>collected</source>
        <translation>已取货</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>not collected</source>
        <translation>未取货</translation>
    </message>
    <message>
        <source>%1 online order %2 (pick-up at %3, %4), %5 items, %6</source>
        <translation>%1 线上订单 %2（%3 门店自提，%4），%5 件，%6</translation>
    </message>
    <message>
        <source>Birthday month! The birthday coupon %1 is in the wallet: it applies to this sale with the member on it.</source>
        <translation>生日月！生日券 %1 已在券包中：本单关联该会员即可使用。</translation>
    </message>
    <message>
        <source>Birthday month! HQ has issued the birthday coupon: it reaches this till with the next sync.</source>
        <translation>生日月！总部已发放生日券：下次同步后到达本收银机。</translation>
    </message>
    <message>
        <source>Birthday month! The birthday coupon comes from HQ (none on this till yet).</source>
        <translation>生日月！生日券由总部发放（本收银机尚未收到）。</translation>
    </message>
    <message>
        <source>Birthday in month %1</source>
        <translation>生日在 %1 月</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>地址：%1</translation>
    </message>
    <message>
        <source>wish list</source>
        <translation>心愿单</translation>
    </message>
    <message>
        <source>online cart</source>
        <translation>线上购物车</translation>
    </message>
    <message>
        <source>viewed</source>
        <translation>浏览过</translation>
    </message>
    <message>
        <source>in stock: %1</source>
        <translation>有货：%1</translation>
    </message>
    <message>
        <source>nearby: %1 has %2</source>
        <translation>%1 有 %2 件</translation>
    </message>
    <message>
        <source>not sold here</source>
        <translation>本店不售</translation>
    </message>
    <message>
        <source>out of stock here and nearby</source>
        <translation>附近也无货</translation>
    </message>
    <message>
        <source>%1 (%2 km): %3</source>
        <translation>%1（%2 公里）：%3 件</translation>
    </message>
    <message>
        <source>Searched online: %1</source>
        <translation>线上搜索过：%1</translation>
    </message>
    <message>
        <source>Viewed online (F4 or a scan adds an item to the sale):</source>
        <translation>线上浏览（按 F4 或扫码把商品加入本单）：</translation>
    </message>
    <message>
        <source>Nothing viewed online lately.</source>
        <translation>近期没有线上浏览。</translation>
    </message>
    <message>
        <source>The member has not agreed to personalization: no online browsing.</source>
        <translation>会员未同意个性化服务：不显示线上浏览。</translation>
    </message>
    <message>
        <source>Online browsing needs HQ.</source>
        <translation>线上浏览需要连接总部。</translation>
    </message>
    <message>
        <source>Online browsing could not be fetched from HQ now.</source>
        <translation>暂时无法从总部获取线上浏览。</translation>
    </message>
    <message>
        <source>Waiting for the member to agree on the customer display…</source>
        <translation>正在等待会员在顾客显示屏上确认…</translation>
    </message>
    <message>
        <source>The member declined on the customer display: online browsing stays hidden.</source>
        <translation>会员在顾客显示屏上拒绝：不显示线上浏览记录。</translation>
    </message>
    <message>
        <source>The member did not answer on the customer display: online browsing stays hidden.</source>
        <translation>会员未在顾客显示屏上应答：不显示线上浏览记录。</translation>
    </message>
    <message>
        <source>No customer display answers: online browsing stays hidden.</source>
        <translation>没有可应答的顾客显示屏：不显示线上浏览记录。</translation>
    </message>
</context>
<context>
    <name>MemberScreen</name>
    <message>
        <source>Members</source>
        <extracomment>What the customer display asks (the customer reads Chinese first, like its other texts).</extracomment>
        <translation>会员</translation>
    </message>
    <message>
        <source>Member code, phone, card, or an item to add</source>
        <translation>会员码、手机号、卡号，或要加入的商品</translation>
    </message>
    <message>
        <source>Scan the member&apos;s code or type the phone number</source>
        <translation>扫描会员码或输入手机号</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Find the member typed</source>
        <translation>查找输入的会员</translation>
    </message>
    <message>
        <source>Attach to sale</source>
        <translation>关联本单</translation>
    </message>
    <message>
        <source>Attach the member to the current sale</source>
        <translation>把会员关联到当前交易</translation>
    </message>
    <message>
        <source>Add item</source>
        <translation>加入商品</translation>
    </message>
    <message>
        <source>Add the selected item to the sale</source>
        <translation>把选中的商品加入本单</translation>
    </message>
    <message>
        <source>Join QR</source>
        <translation>入会码</translation>
    </message>
    <message>
        <source>Show the QR code to join as a member</source>
        <translation>显示入会二维码</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close the member&apos;s profile</source>
        <translation>关闭会员档案</translation>
    </message>
    <message>
        <source>By name</source>
        <translation>按姓名</translation>
    </message>
    <message>
        <source>Search members by name (a manager; audited)</source>
        <translation>按姓名查会员（店长；记入审计日志）</translation>
    </message>
    <message>
        <source>Choose the item above</source>
        <translation>选择上一件商品</translation>
    </message>
    <message>
        <source>Choose the item below</source>
        <translation>选择下一件商品</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Where the data comes from</source>
        <translation>数据来源</translation>
    </message>
    <message>
        <source>Coupons in the wallet</source>
        <translation>券包中的优惠券</translation>
    </message>
    <message>
        <source>Purchases and points in every channel</source>
        <translation>全渠道购买与积分</translation>
    </message>
    <message>
        <source>Online browsing</source>
        <translation>线上浏览</translation>
    </message>
    <message>
        <source>What the member viewed online</source>
        <translation>会员在线上浏览过的商品</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>线上</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>QR code to join as a member</source>
        <translation>入会二维码</translation>
    </message>
    <message>
        <source>How to join</source>
        <translation>入会说明</translation>
    </message>
    <message>
        <source>Looking the member up…</source>
        <translation>正在查找会员…</translation>
    </message>
    <message>
        <source>Scan the member&apos;s code or type the phone number, then Enter.</source>
        <translation>请扫描会员码或输入手机号，然后按回车。</translation>
    </message>
    <message>
        <source>Member found: F3 attaches them to the sale.</source>
        <translation>已找到会员：按 F3 关联本单。</translation>
    </message>
    <message>
        <source>No member open.</source>
        <translation>未打开会员。</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 points</source>
        <translation>%1 · %2 · %3 积分</translation>
    </message>
    <message>
        <source>Member %1 · from HQ</source>
        <translation>会员 %1 · 来自总部</translation>
    </message>
    <message>
        <source>Member %1 · HQ unreachable: as this till last knew them, points as last known</source>
        <translation>会员 %1 · 无法连接总部：显示本机最近记录，积分为最近已知余额</translation>
    </message>
    <message>
        <source>Coupons: %1</source>
        <translation>优惠券：%1</translation>
    </message>
    <message>
        <source>No coupons in the wallet.</source>
        <translation>券包中没有优惠券。</translation>
    </message>
    <message>
        <source>Profile closed.</source>
        <translation>会员档案已关闭。</translation>
    </message>
    <message>
        <source>Search members by name</source>
        <translation>按姓名查会员</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>The start of the name, e.g. 王</source>
        <translation>姓名开头，例如：王</translation>
    </message>
    <message>
        <source>Asking HQ…</source>
        <translation>正在询问总部…</translation>
    </message>
    <message>
        <source>Members found</source>
        <translation>找到的会员</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>No member&apos;s name starts with that.</source>
        <translation>没有以此开头的会员姓名。</translation>
    </message>
    <message>
        <source>%1 found: Up / Down and Enter opens one.</source>
        <translation>找到 %1 位：用上 / 下键选择，回车打开。</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Why it is needed, e.g. arranging a delivery</source>
        <translation>说明用途，例如安排送货</translation>
    </message>
    <message>
        <source>Full phone number: %1 (recorded in the audit log)</source>
        <translation>完整手机号：%1（已记入审计日志）</translation>
    </message>
    <message>
        <source>Reveal</source>
        <translation>查看完整信息</translation>
    </message>
    <message>
        <source>Show the member&apos;s full phone, birthday or address (with a reason)</source>
        <translation>查看会员的完整手机号、生日或地址（需填写原因）</translation>
    </message>
    <message>
        <source>Birthday and address</source>
        <translation>生日和地址</translation>
    </message>
    <message>
        <source>What was revealed</source>
        <translation>已查看的信息</translation>
    </message>
    <message>
        <source>In stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Full phone number</source>
        <translation>完整手机号</translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <source>Birthday: %1 (recorded in the audit log)</source>
        <translation>生日：%1（已记入审计日志）</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Address: %1 (recorded in the audit log)</source>
        <translation>地址：%1（已记入审计日志）</translation>
    </message>
    <message>
        <source>Reveal which field?</source>
        <translation>查看哪一项？</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Reveal: %1</source>
        <translation>查看：%1</translation>
    </message>
    <message>
        <source>Member %1 is on the sale.</source>
        <translation>会员 %1 已关联本单。</translation>
    </message>
    <message>
        <source>%1 added to the sale (%2 lines).</source>
        <translation>%1 已加入本单（共 %2 行）。</translation>
    </message>
    <message>
        <source>The customer scans the QR code with their phone and joins there.</source>
        <translation>请顾客用手机扫描二维码，在手机上完成入会。</translation>
    </message>
    <message>
        <source>Scan to join (valid until %1)</source>
        <translation>扫码入会（%1 前有效）</translation>
    </message>
    <message>
        <source>The QR code has expired: F5 shows a new one.</source>
        <translation>二维码已过期：按 F5 显示新的二维码。</translation>
    </message>
    <message>
        <source>Welcome, new member %1: attached to the sale.</source>
        <translation>欢迎新会员 %1：已关联本单。</translation>
    </message>
    <message>
        <source>Welcome, new member %1.</source>
        <translation>欢迎新会员 %1。</translation>
    </message>
</context>
<context>
    <name>NoReceiptDialog</name>
    <message>
        <source>Store credit note</source>
        <translation>储值券</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>Damaged or faulty</source>
        <translation>商品损坏或故障</translation>
    </message>
    <message>
        <source>Wrong item</source>
        <translation>商品不符</translation>
    </message>
    <message>
        <source>Changed mind</source>
        <translation>不想要了</translation>
    </message>
    <message>
        <source>Other (describe)</source>
        <translation>其他（请说明）</translation>
    </message>
    <message>
        <source>Return without receipt</source>
        <translation>无小票退货</translation>
    </message>
    <message>
        <source>No receipt, no member: each item is refunded at its lowest shelf price of the last 90 days, and a manager approves every such return.</source>
        <translation>无小票、无会员：每件商品按近 90 天最低售价退款，每笔均需经理批准。</translation>
    </message>
    <message>
        <source>Item barcode</source>
        <translation>商品条码</translation>
    </message>
    <message>
        <source>Scan or type the item&apos;s barcode and press Enter; scan again for one more</source>
        <translation>扫描或输入商品条码后按回车；再扫一次加一件</translation>
    </message>
    <message>
        <source>Add item</source>
        <translation>添加商品</translation>
    </message>
    <message>
        <source>Add the item typed</source>
        <translation>添加输入的商品</translation>
    </message>
    <message>
        <source>Items coming back</source>
        <translation>退回的商品</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Lowest price (90 days)</source>
        <translation>近90天最低价</translation>
    </message>
    <message>
        <source>Shelf price now</source>
        <translation>现售价</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Reason for the return</source>
        <translation>退货原因</translation>
    </message>
    <message>
        <source>Choose a reason…</source>
        <translation>请选择原因…</translation>
    </message>
    <message>
        <source>Reason details</source>
        <translation>原因说明</translation>
    </message>
    <message>
        <source>Details (needed for Other)</source>
        <translation>说明（选“其他”时必填）</translation>
    </message>
    <message>
        <source>Refund as</source>
        <translation>退款方式</translation>
    </message>
    <message>
        <source>Refund (F11)</source>
        <translation>退款 (F11)</translation>
    </message>
    <message>
        <source>Refund the items with a manager&apos;s approval</source>
        <translation>经理批准后退款</translation>
    </message>
    <message>
        <source>Clear (F4)</source>
        <translation>清空 (F4)</translation>
    </message>
    <message>
        <source>Remove every item</source>
        <translation>移除全部商品</translation>
    </message>
    <message>
        <source>Reprint (F5)</source>
        <translation>重打 (F5)</translation>
    </message>
    <message>
        <source>Reprint the last slip and credit note</source>
        <translation>重打上一张退货单和储值券</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Back to returns with a receipt</source>
        <translation>返回有小票退货</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Something went wrong: %1</source>
        <translation>出现问题：%1</translation>
    </message>
    <message>
        <source>Refunded as: %1 · at most %2 per return · %3 left today on this till</source>
        <translation>退款方式：%1 · 每笔最多 %2 · 本机今日剩余 %3</translation>
    </message>
    <message>
        <source>Scan or type the item&apos;s barcode.</source>
        <translation>请扫描或输入商品条码。</translation>
    </message>
    <message>
        <source>Scan the items being returned.</source>
        <translation>请扫描要退回的商品。</translation>
    </message>
    <message>
        <source>Choose the reason for the return.</source>
        <translation>请选择退货原因。</translation>
    </message>
    <message>
        <source>Describe the reason for the return.</source>
        <translation>请说明退货原因。</translation>
    </message>
    <message>
        <source>Refund %1 without a receipt</source>
        <translation>无小票退款 %1</translation>
    </message>
    <message>
        <source>Return %1 sent to the printer again.</source>
        <translation>退货单 %1 已再次送往打印机。</translation>
    </message>
    <message>
        <source>Refunded %1 as %2 · return %3</source>
        <translation>已退款 %1（%2）· 退货单 %3</translation>
    </message>
    <message>
        <source>Credit note %1: give the customer the printed note</source>
        <translation>储值券 %1：请将打印的储值券交给顾客</translation>
    </message>
    <message>
        <source>Already refunded before: nothing more was paid now.</source>
        <translation>此前已退款：本次未再支付任何款项。</translation>
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
    <name>OverrideDialog</name>
    <message>
        <source>Price override or discount</source>
        <translation>改价或折扣</translation>
    </message>
    <message>
        <source>What to change</source>
        <translation>修改内容</translation>
    </message>
    <message>
        <source>New unit price of the selected line</source>
        <translation>所选行的新单价</translation>
    </message>
    <message>
        <source>Discount on the selected line (amount)</source>
        <translation>所选行优惠（金额）</translation>
    </message>
    <message>
        <source>Discount on the selected line (%)</source>
        <translation>所选行优惠（%）</translation>
    </message>
    <message>
        <source>Discount on the whole sale (amount)</source>
        <translation>整单优惠（金额）</translation>
    </message>
    <message>
        <source>Discount on the whole sale (%)</source>
        <translation>整单优惠（%）</translation>
    </message>
    <message>
        <source>Amount or percentage</source>
        <translation>金额或百分比</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Damaged packaging</source>
        <translation>包装破损</translation>
    </message>
    <message>
        <source>Price match</source>
        <translation>价格匹配</translation>
    </message>
    <message>
        <source>Shelf label differs</source>
        <translation>价签不符</translation>
    </message>
    <message>
        <source>Loyal customer goodwill</source>
        <translation>老顾客关怀</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Not a valid entry.</source>
        <translation>输入无效。</translation>
    </message>
    <message>
        <source>Give a reason (at least 3 characters).</source>
        <translation>请填写原因（至少 3 个字）。</translation>
    </message>
</context>
<context>
    <name>ParkedDialog</name>
    <message>
        <source>Suspended sales</source>
        <translation>挂单列表</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>取单</translation>
    </message>
    <message>
        <source>No suspended sales.</source>
        <translation>没有挂单。</translation>
    </message>
</context>
<context>
    <name>PickupScreen</name>
    <message>
        <source>Pick-up</source>
        <extracomment>For the status bar, whatever screen is in front: orders due within 15 minutes or late and not ready (&quot;&quot; when none). The main window shows it.</extracomment>
        <translation>自提</translation>
    </message>
    <message>
        <source>New order</source>
        <translation>新订单</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Pick-up conflicts for the manager</source>
        <translation>需店长处理的自提冲突</translation>
    </message>
    <message>
        <source>Pick-up queue</source>
        <translation>自提队列</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>顾客</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>已拣行</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Order lines</source>
        <translation>订单明细</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Ordered</source>
        <translation>订购</translation>
    </message>
    <message>
        <source>Picked</source>
        <translation>已拣</translation>
    </message>
    <message>
        <source>Short</source>
        <translation>缺货</translation>
    </message>
    <message>
        <source>Scan or type an item or a pick-up QR code</source>
        <translation>扫描或输入商品码或自提二维码</translation>
    </message>
    <message>
        <source>Scan an item or the customer&apos;s QR code</source>
        <translation>扫描商品或顾客的取货二维码</translation>
    </message>
    <message>
        <source>Start picking</source>
        <translation>开始拣货</translation>
    </message>
    <message>
        <source>Start picking the selected order</source>
        <translation>开始拣选中的订单</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>缺货</translation>
    </message>
    <message>
        <source>Mark the line short: out of stock</source>
        <translation>将该行标记为缺货</translation>
    </message>
    <message>
        <source>Damaged</source>
        <translation>损坏</translation>
    </message>
    <message>
        <source>Mark the line short: damaged</source>
        <translation>将该行标记为损坏</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>备好</translation>
    </message>
    <message>
        <source>Mark the order ready</source>
        <translation>将订单标记为已备好</translation>
    </message>
    <message>
        <source>Pick list</source>
        <translation>拣货单</translation>
    </message>
    <message>
        <source>Print the pick list and the bag label</source>
        <translation>打印拣货单和自提袋标签</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>取货码</translation>
    </message>
    <message>
        <source>Hand over by the pick-up code</source>
        <translation>凭取货码交付</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Pick a typed quantity of the selected line</source>
        <translation>按输入的数量拣选所选商品行</translation>
    </message>
    <message>
        <source>Substitute</source>
        <translation>替换</translation>
    </message>
    <message>
        <source>Pick a substitute for the selected line</source>
        <translation>为所选商品行拣选替代商品</translation>
    </message>
    <message>
        <source>Given back</source>
        <translation>顾客退回</translation>
    </message>
    <message>
        <source>The customer gives the selected line back</source>
        <translation>顾客在柜台退回所选商品行</translation>
    </message>
    <message>
        <source>Re-source</source>
        <translation>改换货源</translation>
    </message>
    <message>
        <source>Order the flagged order from another store or the warehouse</source>
        <translation>从其他门店或仓库为缺货的订货单调货</translation>
    </message>
    <message>
        <source>Cancel + refund</source>
        <translation>取消并退款</translation>
    </message>
    <message>
        <source>Cancel the flagged order and refund the customer</source>
        <translation>取消缺货的订货单并为顾客退款</translation>
    </message>
    <message>
        <source>Pick-up code (6 digits)</source>
        <translation>取货码（6 位）</translation>
    </message>
    <message>
        <source>Last 4 digits of the customer&apos;s phone</source>
        <translation>顾客手机号后 4 位</translation>
    </message>
    <message>
        <source>Collector&apos;s name (proxy pick-up)</source>
        <translation>代取人姓名</translation>
    </message>
    <message>
        <source>Last 4-6 characters of the collector&apos;s ID</source>
        <translation>代取人证件号后 4-6 位</translation>
    </message>
    <message>
        <source>Hand over (Enter)</source>
        <translation>交付（回车）</translation>
    </message>
    <message>
        <source>Hand the order over</source>
        <translation>交付订单</translation>
    </message>
    <message>
        <source>Phone (last 4)</source>
        <translation>手机尾号</translation>
    </message>
    <message>
        <source>Proxy: name</source>
        <translation>代取人姓名</translation>
    </message>
    <message>
        <source>Proxy: ID tail</source>
        <translation>代取人证件尾号</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Needs a manager:</source>
        <translation>需店长处理：</translation>
    </message>
    <message>
        <source>New online order: %1</source>
        <translation>新线上订单：%1</translation>
    </message>
    <message>
        <source>Not ready and due within 15 minutes: %1</source>
        <translation>距承诺时间不足 15 分钟仍未备好：%1</translation>
    </message>
    <message>
        <source> and %1 more</source>
        <translation>，另有 %1 单</translation>
    </message>
    <message>
        <source>Pick-up: %1 due or late</source>
        <translation>自提：%1 单将到期或已超时</translation>
    </message>
    <message>
        <source>to pick</source>
        <translation>待拣货</translation>
    </message>
    <message>
        <source>picking</source>
        <translation>拣货中</translation>
    </message>
    <message>
        <source>ready for pick-up</source>
        <translation>待取货</translation>
    </message>
    <message>
        <source>to restock</source>
        <translation>待退回货架</translation>
    </message>
    <message>
        <source>collected</source>
        <translation>已取货</translation>
    </message>
    <message>
        <source>partly collected</source>
        <translation>部分取货</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>ordered item: source out of stock</source>
        <translation>订货：来源缺货</translation>
    </message>
    <message>
        <source>ordered item: HQ refused, resolve it again</source>
        <translation>订货：总部拒绝处理，请重新处理</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>out of stock</source>
        <translation>缺货</translation>
    </message>
    <message>
        <source>damaged</source>
        <translation>损坏</translation>
    </message>
    <message>
        <source>substitute %1</source>
        <translation>替代 %1</translation>
    </message>
    <message>
        <source>given back %1: %2</source>
        <translation>退回 %1：%2</translation>
    </message>
    <message>
        <source>Picking %1: scan each item.</source>
        <translation>正在拣货 %1：请逐件扫描。</translation>
    </message>
    <message>
        <source>Pick %1</source>
        <translation>拣选 %1</translation>
    </message>
    <message>
        <source>Grams</source>
        <translation>克数</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>Type a whole number above 0.</source>
        <translation>请输入大于 0 的整数。</translation>
    </message>
    <message>
        <source>The customer did not allow substitutes on this order.</source>
        <translation>顾客不接受本订单的替代商品。</translation>
    </message>
    <message>
        <source>Substitute for %1</source>
        <translation>%1 的替代商品</translation>
    </message>
    <message>
        <source>Scan the substitute</source>
        <translation>扫描替代商品</translation>
    </message>
    <message>
        <source>Scan or type the substitute&apos;s code.</source>
        <translation>请扫描或输入替代商品的条码。</translation>
    </message>
    <message>
        <source>Substitute picked for %1.</source>
        <translation>%1 已拣选替代商品。</translation>
    </message>
    <message>
        <source>Nothing of that line was picked.</source>
        <translation>该商品行尚未拣选。</translation>
    </message>
    <message>
        <source>Given back: %1. Enter hands over the rest.</source>
        <translation>已退回：%1。按回车交付其余商品。</translation>
    </message>
    <message>
        <source>Pick list for %1 sent to the printer.</source>
        <translation>%1 的拣货单已发送到打印机。</translation>
    </message>
    <message>
        <source>%1 is ready: HQ tells the customer.</source>
        <translation>%1 已备好：总部将通知顾客。</translation>
    </message>
    <message>
        <source>Select an order and start picking (F2) before scanning items.</source>
        <translation>请先选择订单并开始拣货（F2）再扫描商品。</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1：%2 / %3</translation>
    </message>
    <message>
        <source>%1 is not a pick-up code of this store: type the code from the customer&apos;s message.</source>
        <translation>%1 不是本店的自提码：请输入顾客短信中的提货码。</translation>
    </message>
    <message>
        <source>Pick-up code %1: type the last 4 digits of the customer&apos;s phone, then Enter.</source>
        <translation>自提码 %1：请输入顾客手机号后 4 位，然后按回车。</translation>
    </message>
    <message>
        <source>%1 for %2: press Enter to hand it over.</source>
        <translation>%1（%2）：按回车交付。</translation>
    </message>
    <message>
        <source>%1 handed over.</source>
        <translation>%1 已交付。</translation>
    </message>
    <message>
        <source>handed over, but the order had been cancelled online and refunded: get the goods back or take payment.</source>
        <translation>已交付，但该订单已在线上取消并退款：请追回商品或重新收款。</translation>
    </message>
    <message>
        <source>handed over here, but another till had handed it over first: check who took the goods.</source>
        <translation>本机已交付，但另一台收银机先交付了：请核实商品由谁取走。</translation>
    </message>
    <message>
        <source>handed over after its hold period, when it had been refunded: get the goods back or take payment.</source>
        <translation>在保留期过后交付，而该订单已退款：请追回商品或重新收款。</translation>
    </message>
    <message>
        <source>HQ refused a pick-up step: check the order with HQ.</source>
        <translation>总部拒绝了一个自提步骤：请与总部核对该订单。</translation>
    </message>
</context>
<context>
    <name>PolicyWords</name>
    <message>
        <source>Past its return window (last day %1)</source>
        <translation>已过退货期（最后一天 %1）</translation>
    </message>
    <message>
        <source>Not returnable: only with a manager&apos;s override</source>
        <translation>不可退货：须经理特批</translation>
    </message>
    <message>
        <source>Line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>Line %1 is not returnable: Refund asks a manager to override it.</source>
        <translation>第 %1 行不可退货：退款时须经理特批。</translation>
    </message>
    <message>
        <source>Override the return policy for line %1 (not returnable) and %2</source>
        <translation>特批第 %1 行（不可退货）退货，并%2</translation>
    </message>
    <message>
        <source>The current item: back to stock, damaged or return to vendor (next)</source>
        <translation>当前商品的去向：退回库存、损坏或退供应商（切换）</translation>
    </message>
    <message>
        <source>The current item&apos;s own reason (next; first: the return&apos;s)</source>
        <translation>当前商品单独的退货原因（切换；首项为整单原因）</translation>
    </message>
    <message>
        <source>Line %1&apos;s reason: %2</source>
        <translation>第 %1 行原因：%2</translation>
    </message>
</context>
<context>
    <name>PrintBanner</name>
    <message>
        <source>Printer problem</source>
        <translation>打印机故障</translation>
    </message>
    <message>
        <source>Printer problem details</source>
        <translation>打印机故障详情</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Retry printing</source>
        <translation>重试打印</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>取消任务</translation>
    </message>
    <message>
        <source>Cancel this print job</source>
        <translation>取消此打印任务</translation>
    </message>
    <message>
        <source>Open printer screen</source>
        <translation>打开打印机页面</translation>
    </message>
    <message>
        <source>Open the printer screen</source>
        <translation>打开打印机页面</translation>
    </message>
    <message>
        <source>Print again</source>
        <translation>重新打印</translation>
    </message>
    <message>
        <source>Do not print again</source>
        <translation>不再打印</translation>
    </message>
    <message>
        <source>Print result uncertain: check whether the receipt came out</source>
        <translation>打印结果不确定：请检查小票是否已打出</translation>
    </message>
    <message>
        <source>Printer offline</source>
        <translation>打印机离线</translation>
    </message>
    <message>
        <source>Printer out of paper</source>
        <translation>打印机缺纸</translation>
    </message>
    <message>
        <source>Printer not reachable</source>
        <translation>无法连接打印机</translation>
    </message>
    <message>
        <source>Job %1: %2</source>
        <translation>任务 %1：%2</translation>
    </message>
    <message numerus="yes">
        <source>%n job(s) waiting</source>
        <translation>
            <numerusform>%n 个任务等待中</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PrintJobsScreen</name>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Configured printer</source>
        <translation>已配置的打印机</translation>
    </message>
    <message>
        <source>Queue summary</source>
        <translation>打印队列概况</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Print jobs</source>
        <translation>打印任务</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Printer status</source>
        <translation>打印机状态</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Printed</source>
        <translation>打印时间</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Retry the selected job</source>
        <translation>重试所选任务</translation>
    </message>
    <message>
        <source>Cancel job</source>
        <translation>取消任务</translation>
    </message>
    <message>
        <source>Cancel the selected job</source>
        <translation>取消所选任务</translation>
    </message>
    <message>
        <source>Reprint…</source>
        <translation>重印…</translation>
    </message>
    <message>
        <source>Preview and reprint the selected job</source>
        <translation>预览并重印所选任务</translation>
    </message>
    <message>
        <source>Print test page</source>
        <translation>打印测试页</translation>
    </message>
    <message>
        <source>Print a test page</source>
        <translation>打印一张测试页</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>No print queue is running: nothing is printed.</source>
        <translation>打印队列未运行：不会打印任何内容。</translation>
    </message>
    <message>
        <source>Last printer status: %1 · waiting: %2 · need attention: %3</source>
        <translation>最近打印机状态：%1 · 等待中：%2 · 需处理：%3</translation>
    </message>
    <message>
        <source>sale receipt</source>
        <translation>销售小票</translation>
    </message>
    <message>
        <source>return receipt</source>
        <translation>退货小票</translation>
    </message>
    <message>
        <source>pick-up slip</source>
        <translation>提货单</translation>
    </message>
    <message>
        <source>test page</source>
        <translation>测试页</translation>
    </message>
    <message>
        <source>cash drawer</source>
        <translation>钱箱</translation>
    </message>
    <message>
        <source>no sale (drawer)</source>
        <translation>无交易开钱箱</translation>
    </message>
    <message>
        <source>report</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <source>held (printer problem)</source>
        <translation>暂停（打印机故障）</translation>
    </message>
    <message>
        <source>uncertain: check the printout</source>
        <translation>结果不确定：请检查小票</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>out of paper</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Job %1 is queued again.</source>
        <translation>任务 %1 已重新排队。</translation>
    </message>
    <message>
        <source>Job %1 cancelled.</source>
        <translation>任务 %1 已取消。</translation>
    </message>
    <message>
        <source>Preparing the preview…</source>
        <translation>正在生成预览…</translation>
    </message>
    <message>
        <source>Reprint queued as job %1.</source>
        <translation>重印已排队，任务 %1。</translation>
    </message>
    <message>
        <source>Test page queued as job %1.</source>
        <translation>测试页已排队，任务 %1。</translation>
    </message>
</context>
<context>
    <name>PrintSetup</name>
    <message>
        <source>Printing is off: %1</source>
        <extracomment>Qt messages that say nothing to a user (the offscreen platform cannot size real windows). The window&apos;s size on a screen with room for it; a smaller screen gets its whole work area.</extracomment>
        <translation>打印已停用：%1</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Printer settings error</source>
        <translation>打印机设置错误</translation>
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
        <source>Order from elsewhere</source>
        <translation>从别处订货</translation>
    </message>
    <message>
        <source>Order the selected product from another store or the warehouse into the current sale</source>
        <translation>从其他门店或仓库订购所选商品，加入当前销售</translation>
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
        <source>Go to the products found</source>
        <translation>转到查询结果</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>Select the product to order first.</source>
        <translation>请先选择要订货的商品。</translation>
    </message>
    <message>
        <source>%1 added to the current sale as an ordered item: take payment at the checkout.</source>
        <translation>%1 已作为订货商品加入当前销售：请到收银台收款。</translation>
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
    <name>PromptDialog</name>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Not a valid entry.</source>
        <translation>输入无效。</translation>
    </message>
</context>
<context>
    <name>ReceiptStatus</name>
    <message>
        <source>Receipt %1: printing…</source>
        <translation>小票 %1：正在打印…</translation>
    </message>
    <message>
        <source>Receipt %1 printed. F2 prints a copy.</source>
        <translation>小票 %1 已打印。按 F2 补打一张。</translation>
    </message>
    <message>
        <source>Receipt %1 did not print: check the printer, then press F2 to print it again.</source>
        <translation>小票 %1 未打印：请检查打印机，然后按 F2 重新打印。</translation>
    </message>
    <message>
        <source>Receipt %1: no printer, nothing was printed.</source>
        <translation>小票 %1：未连接打印机，未打印。</translation>
    </message>
    <message>
        <source>Copy of receipt %1: printing…</source>
        <translation>小票 %1 补打：正在打印…</translation>
    </message>
    <message>
        <source>Copy of receipt %1 printed.</source>
        <translation>小票 %1 补打已打印。</translation>
    </message>
</context>
<context>
    <name>RefuseDialog</name>
    <message>
        <source>Damaged</source>
        <translation>商品损坏</translation>
    </message>
    <message>
        <source>No longer wanted</source>
        <translation>不再需要</translation>
    </message>
    <message>
        <source>Wrong item</source>
        <translation>商品不符</translation>
    </message>
    <message>
        <source>The customer gives a line back</source>
        <translation>顾客退回商品</translation>
    </message>
    <message>
        <source>%1: the customer does not take it</source>
        <translation>%1：顾客不要了</translation>
    </message>
    <message>
        <source>How many the customer gives back</source>
        <translation>顾客退回的数量</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Give back</source>
        <translation>退回</translation>
    </message>
    <message>
        <source>Give the line back</source>
        <translation>退回该商品行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Keep the line</source>
        <translation>保留该商品行</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ReprintPreview</name>
    <message>
        <source>Reprint: %1</source>
        <translation>重印：%1</translation>
    </message>
    <message>
        <source>Reprint preview</source>
        <translation>重印预览</translation>
    </message>
    <message>
        <source>Scroll the preview</source>
        <translation>滚动预览</translation>
    </message>
    <message>
        <source>Scroll the preview sideways</source>
        <translation>左右滚动预览</translation>
    </message>
    <message>
        <source>Reprint</source>
        <translation>重印</translation>
    </message>
    <message>
        <source>Confirm the reprint</source>
        <translation>确认重印</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close without reprinting</source>
        <translation>关闭，不重印</translation>
    </message>
    <message>
        <source>Print this receipt again? The copy is marked 重印 / REPRINT and does not open the cash drawer.</source>
        <translation>再次打印这张小票？副本会标注“重印 / REPRINT”，且不会打开钱箱。</translation>
    </message>
</context>
<context>
    <name>ResourceDialog</name>
    <message>
        <source>Order %1 from elsewhere</source>
        <translation>%1 改从别处调货</translation>
    </message>
    <message>
        <source>Sites with every item available</source>
        <translation>所有商品都有货的门店和仓库</translation>
    </message>
    <message>
        <source>No other store or warehouse has every item: cancel the order and refund it.</source>
        <translation>没有其他门店或仓库有全部商品：请取消订单并退款。</translation>
    </message>
    <message>
        <source>Up / Down to choose, Enter to order from it, Esc to keep.</source>
        <translation>上下键选择，回车从该处调货，Esc 保持不变。</translation>
    </message>
    <message>
        <source>Order from it</source>
        <translation>从此处调货</translation>
    </message>
    <message>
        <source>Order it from the chosen site</source>
        <translation>从选中的门店或仓库调货</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保持不变</translation>
    </message>
    <message>
        <source>Keep the order as it is</source>
        <translation>保持订单不变</translation>
    </message>
    <message>
        <source>store</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>warehouse</source>
        <translation>仓库</translation>
    </message>
    <message>
        <source>%1 km</source>
        <translation>%1 公里</translation>
    </message>
    <message>
        <source>%1 (%2)%3 · %4 available · by %5</source>
        <translation>%1（%2）%3 · 可用 %4 · 预计 %5</translation>
    </message>
    <message>
        <source>older than 10 min</source>
        <translation>超过 10 分钟</translation>
    </message>
</context>
<context>
    <name>ReturnIssuesDialog</name>
    <message>
        <source>Return conflicts and credit overdrafts</source>
        <translation>退货冲突与储值券透支</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>List status</source>
        <translation>列表状态</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>商品行</translation>
    </message>
    <message>
        <source>Stores</source>
        <translation>涉及门店</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>小票号</translation>
    </message>
    <message>
        <source>At stake</source>
        <translation>涉及金额</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>发现时间</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>原因：</translation>
    </message>
    <message>
        <source>Reason for the resolution (required)</source>
        <translation>处理原因（必填）</translation>
    </message>
    <message>
        <source>what was agreed with the customer, or why the loss is accepted</source>
        <translation>与顾客的约定，或接受损失的原因</translation>
    </message>
    <message>
        <source>Accept the loss</source>
        <translation>接受损失</translation>
    </message>
    <message>
        <source>Accept the loss of the selected one</source>
        <translation>对所选问题接受损失</translation>
    </message>
    <message>
        <source>Recovered from the customer</source>
        <translation>已向顾客追回</translation>
    </message>
    <message>
        <source>The money of the selected one was recovered from the customer</source>
        <translation>所选问题的款项已向顾客追回</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Read the list again</source>
        <translation>重新读取列表</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <source>Close the list</source>
        <translation>关闭列表</translation>
    </message>
    <message>
        <source>Nothing open: HQ has found no conflict or overdraft for this store.</source>
        <translation>没有待处理的问题：总部未发现本店的退货冲突或储值券透支。</translation>
    </message>
    <message>
        <source>%1 open. Choose one (Up / Down), Tab to the reason, then F7 or F8.</source>
        <translation>待处理 %1 项。用上 / 下键选择，Tab 键填写原因，再按 F7 或 F8。</translation>
    </message>
    <message>
        <source>line %1: %2 × %3</source>
        <translation>第 %1 行：%2 × %3</translation>
    </message>
    <message>
        <source>credit note …%1</source>
        <translation>储值券 …%1</translation>
    </message>
    <message>
        <source>Type the reason first (what was agreed with the customer, or why the loss is accepted).</source>
        <translation>请先填写原因（与顾客的约定，或接受损失的原因）。</translation>
    </message>
    <message>
        <source>Sale %1: the loss of %2 is accepted.</source>
        <translation>销售单 %1：已接受损失 %2。</translation>
    </message>
    <message>
        <source>Sale %1: %2 recovered from the customer.</source>
        <translation>销售单 %1：已向顾客追回 %2。</translation>
    </message>
</context>
<context>
    <name>ReturnsScreen</name>
    <message>
        <source>Receipt, order or phone</source>
        <translation>小票、订单号或手机号</translation>
    </message>
    <message>
        <source>Scan the receipt QR, or type a receipt or order number or the member&apos;s phone, and press Enter</source>
        <translation>扫描小票二维码，或输入小票号、订单号或会员手机号后按回车</translation>
    </message>
    <message>
        <source>Look up</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Look up the receipt</source>
        <translation>查询小票</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Clear this return</source>
        <translation>清空本次退货</translation>
    </message>
    <message>
        <source>Return everything</source>
        <translation>全部退货</translation>
    </message>
    <message>
        <source>Select everything still returnable</source>
        <translation>选中所有可退商品</translation>
    </message>
    <message>
        <source>Reprint last return</source>
        <translation>重打上一张退货单</translation>
    </message>
    <message>
        <source>Reprint the last return receipt</source>
        <translation>重新打印上一张退货单</translation>
    </message>
    <message>
        <source>No receipt</source>
        <translation>无小票退货</translation>
    </message>
    <message>
        <source>Return without receipt or member</source>
        <translation>无小票、无会员退货</translation>
    </message>
    <message>
        <source>Orders found: choose one with the arrows and Enter</source>
        <translation>找到的订单：用方向键选择，按回车确认</translation>
    </message>
    <message>
        <source>Items on the receipt</source>
        <translation>小票上的商品</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <source>Returned</source>
        <translation>已退</translation>
    </message>
    <message>
        <source>Returnable</source>
        <translation>可退</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>实付</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>本次退</translation>
    </message>
    <message>
        <source>Refund</source>
        <translation>退款</translation>
    </message>
    <message>
        <source>Goes to</source>
        <translation>去向</translation>
    </message>
    <message>
        <source>Reason for the return</source>
        <translation>退货原因</translation>
    </message>
    <message>
        <source>Choose a reason…</source>
        <translation>请选择原因…</translation>
    </message>
    <message>
        <source>Damaged or faulty</source>
        <translation>商品损坏或有质量问题</translation>
    </message>
    <message>
        <source>Wrong item</source>
        <translation>商品不符</translation>
    </message>
    <message>
        <source>Changed mind</source>
        <translation>不想要了</translation>
    </message>
    <message>
        <source>Other (describe)</source>
        <translation>其他（请说明）</translation>
    </message>
    <message>
        <source>Reason details</source>
        <translation>原因说明</translation>
    </message>
    <message>
        <source>Details (needed for Other)</source>
        <translation>说明（选“其他”时必填）</translation>
    </message>
    <message>
        <source>Card refund reference</source>
        <translation>银行卡退款参考号</translation>
    </message>
    <message>
        <source>Card terminal&apos;s refund reference</source>
        <translation>刷卡机的退款参考号</translation>
    </message>
    <message>
        <source>Cash instead</source>
        <translation>改退现金</translation>
    </message>
    <message>
        <source>Refund the online order in cash instead (a second person approves)</source>
        <translation>线上订单改为退现金（需另一人审批）</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Refund the selected items</source>
        <translation>为选中的商品退款</translation>
    </message>
    <message>
        <source>Exchange</source>
        <translation>换货</translation>
    </message>
    <message>
        <source>Exchange the selected items: their value pays the new sale</source>
        <translation>换货：所选商品的金额抵扣新商品</translation>
    </message>
    <message>
        <source>Open a shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <source>Open the Shift screen</source>
        <translation>打开交班屏幕</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Go to the items: arrows, + / -, digits, Space</source>
        <translation>转到商品列表：方向键、+ / -、数字、空格键</translation>
    </message>
    <message>
        <source>Go to the reason for the return</source>
        <translation>转到退货原因</translation>
    </message>
    <message>
        <source>An online order: refund in cash instead, or not</source>
        <translation>线上订单：改为退现金，或取消</translation>
    </message>
    <message>
        <source>Something went wrong: %1</source>
        <translation>出错了：%1</translation>
    </message>
    <message>
        <source>Scan or type the receipt number.</source>
        <translation>请扫描或输入小票号。</translation>
    </message>
    <message>
        <source>Looking up %1…</source>
        <translation>正在查询 %1…</translation>
    </message>
    <message>
        <source>the receipt QR</source>
        <translation>小票二维码</translation>
    </message>
    <message>
        <source>Everything on this receipt has already been returned.</source>
        <translation>这张小票上的商品已全部退货。</translation>
    </message>
    <message>
        <source>HQ cannot be reached: only this store&apos;s own sales are shown.</source>
        <translation>无法连接总部：只显示本店自己的销售。</translation>
    </message>
    <message>
        <source>%1 orders found, newest first: choose one with Up / Down and Enter.</source>
        <translation>找到 %1 笔订单（最新的在前）：用上 / 下键选择，按回车确认。</translation>
    </message>
    <message>
        <source>Online order</source>
        <translation>线上订单</translation>
    </message>
    <message>
        <source>Store %1</source>
        <translation>门店 %1</translation>
    </message>
    <message>
        <source>Scan a receipt or its QR, or type an order number or the member&apos;s phone, to start a return.</source>
        <translation>扫描小票或小票二维码，或输入订单号或会员手机号，开始退货。</translation>
    </message>
    <message>
        <source>%1 · paid %2 · refunded so far %3</source>
        <translation>%1 · 实付 %2 · 已退 %3</translation>
    </message>
    <message>
        <source>Receipt %1 · sold %2 · paid %3 · refunded so far %4</source>
        <translation>小票 %1 · 销售时间 %2 · 实付 %3 · 已退款 %4</translation>
    </message>
    <message>
        <source>kg</source>
        <translation>千克</translation>
    </message>
    <message>
        <source>Whole line</source>
        <translation>整行退货</translation>
    </message>
    <message>
        <source>Return all of %1</source>
        <translation>%1 整行退货</translation>
    </message>
    <message>
        <source>Quantity of %1 to return</source>
        <translation>%1 的退货数量</translation>
    </message>
    <message>
        <source>One less %1</source>
        <translation>%1 少退一件</translation>
    </message>
    <message>
        <source>One more %1</source>
        <translation>%1 多退一件</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>移动支付</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Online payment</source>
        <translation>原路退回线上支付</translation>
    </message>
    <message>
        <source>WeChat Pay</source>
        <translation>微信支付</translation>
    </message>
    <message>
        <source>Alipay</source>
        <translation>支付宝</translation>
    </message>
    <message>
        <source>Back to the store credit note</source>
        <translation>退回储值券</translation>
    </message>
    <message>
        <source>Voucher, as a new store credit note</source>
        <translation>代金券转为新储值券</translation>
    </message>
    <message>
        <source>Choose the items and quantities to return.</source>
        <translation>请选择要退的商品和数量。</translation>
    </message>
    <message>
        <source>(%1 points back)</source>
        <translation>（退回 %1 积分）</translation>
    </message>
    <message>
        <source>Refund to: %1</source>
        <translation>退款去向：%1</translation>
    </message>
    <message>
        <source>Points taken back: %1</source>
        <translation>扣回积分：%1</translation>
    </message>
    <message>
        <source>Choose the reason for the return.</source>
        <translation>请选择退货原因。</translation>
    </message>
    <message>
        <source>Describe the reason for the return.</source>
        <translation>请说明退货原因。</translation>
    </message>
    <message>
        <source>Refund %1 on %2</source>
        <translation>为 %2 退款 %1</translation>
    </message>
    <message>
        <source>Refund %1 on receipt %2</source>
        <translation>小票 %2 退款 %1</translation>
    </message>
    <message>
        <source>Return receipt %1 sent to the printer.</source>
        <translation>退货单 %1 已发送到打印机。</translation>
    </message>
    <message>
        <source>Refunded %1 · return %2
%3</source>
        <translation>已退款 %1 · 退货单 %2
%3</translation>
    </message>
    <message>
        <source>Already refunded before: nothing more was paid now.</source>
        <translation>此前已退款：本次未再付款。</translation>
    </message>
    <message>
        <source>Taken offline from the receipt QR: HQ checks it when the till is online.</source>
        <translation>已凭小票二维码离线受理：联网后由总部核对。</translation>
    </message>
    <message>
        <source>Points given back to the member: %1</source>
        <translation>退回会员积分：%1</translation>
    </message>
    <message>
        <source>Earned points taken back: %1</source>
        <translation>扣回已得积分：%1</translation>
    </message>
    <message>
        <source>Coupons given back to the member: %1</source>
        <translation>退回会员优惠券：%1 张</translation>
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
    <message>
        <source>Checkout</source>
        <translation>收银</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <source>Printer</source>
        <translation>打印机</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>交班</translation>
    </message>
    <message>
        <source>Pick-up</source>
        <translation>自提</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>Stock counts</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>Board</source>
        <translation>看板</translation>
    </message>
</context>
<context>
    <name>SearchDialog</name>
    <message>
        <source>Find a product</source>
        <translation>查找商品</translation>
    </message>
    <message>
        <source>Name, pinyin, SKU or barcode</source>
        <translation>名称、拼音、货号或条码</translation>
    </message>
    <message>
        <source>Type a name, pinyin initials (e.g. xfs), SKU or barcode</source>
        <translation>输入名称、拼音首字母（如 xfs）、货号或条码</translation>
    </message>
    <message>
        <source>Products found</source>
        <translation>查找结果</translation>
    </message>
    <message>
        <source>Type to search.</source>
        <translation>输入即可查找。</translation>
    </message>
    <message>
        <source>Add to sale</source>
        <translation>加入本单</translation>
    </message>
    <message>
        <source>Add the selected product to the sale</source>
        <translation>将所选商品加入本单</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>F5 Order from elsewhere</source>
        <translation>F5 从别处订货</translation>
    </message>
    <message>
        <source>Order the selected product from another store or the warehouse</source>
        <translation>从其他门店或仓库订购所选商品</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>查找失败：%1</translation>
    </message>
    <message>
        <source>Select the product to order first.</source>
        <translation>请先选择要订货的商品。</translation>
    </message>
</context>
<context>
    <name>SearchResults</name>
    <message>
        <source>Nothing found for “%1”.</source>
        <translation>未找到“%1”。</translation>
    </message>
    <message>
        <source>%1 products shown; more match (Show more).</source>
        <translation>已显示 %1 个商品，还有更多（显示更多）。</translation>
    </message>
    <message>
        <source>Products found: %1</source>
        <translation>找到商品：%1 个</translation>
    </message>
    <message>
        <source>Show more</source>
        <translation>显示更多</translation>
    </message>
    <message>
        <source>Show the next products found</source>
        <translation>显示接下来找到的商品</translation>
    </message>
</context>
<context>
    <name>ServiceMessages</name>
    <message>
        <source>That entry was not accepted: check it and try again.</source>
        <translation>输入未被接受：请检查后重试。</translation>
    </message>
    <message>
        <source>That was not found on this till.</source>
        <translation>本收银机上找不到该项。</translation>
    </message>
    <message>
        <source>This changed meanwhile: look at it again and retry.</source>
        <translation>数据刚刚已变更：请重新查看后再试。</translation>
    </message>
    <message>
        <source>The manager approval was refused.</source>
        <translation>店长批准被拒绝。</translation>
    </message>
    <message>
        <source>The till could not do this. If it happens again, call store IT.</source>
        <translation>收银机无法完成此操作。如再次发生，请联系门店 IT。</translation>
    </message>
    <message>
        <source>There is nothing to pay for yet: scan an item first.</source>
        <translation>还没有可付款的商品：请先扫码。</translation>
    </message>
    <message>
        <source>The quantity must be at least 1.</source>
        <translation>数量至少为 1。</translation>
    </message>
    <message>
        <source>That quantity is above this till&apos;s maximum for one line.</source>
        <translation>数量超过本收银机单行上限。</translation>
    </message>
    <message>
        <source>The price must be above zero.</source>
        <translation>价格必须大于零。</translation>
    </message>
    <message>
        <source>That price is above this till&apos;s maximum.</source>
        <translation>价格超过本收银机上限。</translation>
    </message>
    <message>
        <source>This product is no longer sold.</source>
        <translation>该商品已停售。</translation>
    </message>
    <message>
        <source>This sale has as many lines as a sale may have: complete it and start another.</source>
        <translation>本单行数已达上限：请先结账再开新单。</translation>
    </message>
    <message>
        <source>That line is no longer on the sale.</source>
        <translation>该行已不在本单中。</translation>
    </message>
    <message>
        <source>That line was voided.</source>
        <translation>该行已删除。</translation>
    </message>
    <message>
        <source>A reason is required.</source>
        <translation>必须填写原因。</translation>
    </message>
    <message>
        <source>Give an amount above zero or a percentage from 0.01 % to 100 %.</source>
        <translation>请输入大于零的金额，或 0.01% 至 100% 的折扣比例。</translation>
    </message>
    <message>
        <source>Coupon %1 is not known on this till.</source>
        <translation>本收银机不认识优惠券 %1。</translation>
    </message>
    <message>
        <source>Coupon %1 is not valid yet.</source>
        <translation>优惠券 %1 尚未生效。</translation>
    </message>
    <message>
        <source>Coupon %1 has expired.</source>
        <translation>优惠券 %1 已过期。</translation>
    </message>
    <message>
        <source>Coupon %1 was already used.</source>
        <translation>优惠券 %1 已被使用。</translation>
    </message>
    <message>
        <source>Coupon %1 belongs to a member: attach that member first (it cannot be used by another).</source>
        <translation>优惠券 %1 为会员专属：请先关联该会员（其他会员不能使用）。</translation>
    </message>
    <message>
        <source>Coupon %1 applies to nothing in this sale.</source>
        <translation>优惠券 %1 不适用于本单任何商品。</translation>
    </message>
    <message>
        <source>Coupon %1 needs a bigger purchase.</source>
        <translation>优惠券 %1 未达到使用门槛。</translation>
    </message>
    <message>
        <source>A payment must be above zero.</source>
        <translation>付款金额必须大于零。</translation>
    </message>
    <message>
        <source>Cash above %1 is not taken at this till.</source>
        <translation>本收银机不收超过 %1 的现金。</translation>
    </message>
    <message>
        <source>Only cash may be more than what is due (%1).</source>
        <translation>只有现金可以超过应收金额（%1）。</translation>
    </message>
    <message>
        <source>Enter the card terminal&apos;s authorisation reference.</source>
        <translation>请输入刷卡终端的授权号。</translation>
    </message>
    <message>
        <source>Nothing is due on this sale.</source>
        <translation>本单无需付款。</translation>
    </message>
    <message>
        <source>%1 is still due.</source>
        <translation>仍需支付 %1。</translation>
    </message>
    <message>
        <source>Attach the member before paying with points.</source>
        <translation>用积分付款前请先关联会员。</translation>
    </message>
    <message>
        <source>The member can use at most %1 points now.</source>
        <translation>该会员目前最多可用 %1 积分。</translation>
    </message>
    <message>
        <source>That is more points than the amount still due.</source>
        <translation>积分抵扣超过了剩余应付金额。</translation>
    </message>
    <message>
        <source>That is fewer points than can be redeemed at once.</source>
        <translation>积分数低于单次最低兑换量。</translation>
    </message>
    <message>
        <source>Redeem at least one point.</source>
        <translation>至少兑换 1 积分。</translation>
    </message>
    <message>
        <source>That many points are worth less than one fen.</source>
        <translation>这些积分不足一分钱。</translation>
    </message>
    <message>
        <source>Mobile payment is unavailable (offline): take cash or card.</source>
        <translation>移动支付暂不可用（离线）：请收现金或刷卡。</translation>
    </message>
    <message>
        <source>Scan the customer&apos;s payment code (WeChat or Alipay).</source>
        <translation>请扫描顾客的付款码（微信或支付宝）。</translation>
    </message>
    <message>
        <source>%1 is not a product of this store&apos;s catalog: nothing was counted.</source>
        <translation>%1 不是本店目录中的商品：未计数。</translation>
    </message>
    <message>
        <source>%1 is not part of this count: put it aside, nothing was counted.</source>
        <translation>%1 不属于本次盘点：请放在一旁，未计数。</translation>
    </message>
    <message>
        <source>Not in the catalog: %1. The count was not created.</source>
        <translation>目录中没有：%1。盘点未创建。</translation>
    </message>
    <message>
        <source>This count no longer takes scans (it was submitted or closed, perhaps at another till): nothing was counted.</source>
        <translation>本次盘点已不再接受扫描（已提交或已关闭，可能在另一台收银机上）：未计数。</translation>
    </message>
    <message>
        <source>This count was moved on at another till meanwhile: look at it again.</source>
        <translation>本次盘点已在另一台收银机上推进：请重新查看。</translation>
    </message>
    <message>
        <source>That correction would take the count below zero: nothing was changed.</source>
        <translation>此更正会使数量低于零：未作任何更改。</translation>
    </message>
    <message>
        <source>That quantity is too large for one scan (at most 100,000): nothing was counted.</source>
        <translation>单次扫描数量过大（最多 100,000）：未计数。</translation>
    </message>
    <message>
        <source>The quantity must be a whole number other than 0.</source>
        <translation>数量必须是非零整数。</translation>
    </message>
    <message>
        <source>A count needs at least one product: choose a category or list the codes.</source>
        <translation>盘点至少需要一个商品：请选择品类或列出条码。</translation>
    </message>
    <message>
        <source>That count is too large: split it (at most 50,000 products).</source>
        <translation>盘点范围过大：请拆分（最多 50,000 个商品）。</translation>
    </message>
    <message>
        <source>Give a reason for cancelling the count (3 to 200 characters).</source>
        <translation>请填写取消盘点的原因（3 到 200 个字）。</translation>
    </message>
    <message>
        <source>This count is approved or posted: it can no longer be cancelled.</source>
        <translation>该盘点已审批或已过账，不能再取消。</translation>
    </message>
    <message>
        <source>Submit the count for review first.</source>
        <translation>请先提交盘点以供复核。</translation>
    </message>
    <message>
        <source>That count is not on this till.</source>
        <translation>本收银机上没有该盘点。</translation>
    </message>
    <message>
        <source>This scan clashes with another one already counted: scan again.</source>
        <translation>此次扫描与已计数的扫描冲突：请重新扫描。</translation>
    </message>
    <message>
        <source>This count belongs to till %1: it is reviewed, approved or cancelled there. Keep counting here.</source>
        <translation>此盘点属于收银台 %1：在那里审核、批准或取消。本机可继续盘点。</translation>
    </message>
    <message>
        <source>Other tills&apos; counts arrived since this review was read: the review was read again. Check it and approve again.</source>
        <translation>读取审核后又收到其他收银台的盘点：已重新读取审核，请核对后再次批准。</translation>
    </message>
    <message>
        <source>No receipt printer is set up on this till: the summary cannot be printed.</source>
        <translation>本收银机未设置小票打印机：无法打印汇总。</translation>
    </message>
    <message>
        <source>That is not an endless-aisle order of this store.</source>
        <translation>这不是本店的订货单。</translation>
    </message>
    <message>
        <source>This order is no longer flagged, or was already re-sourced or cancelled.</source>
        <translation>此订单已不再缺货，或已改换货源或取消。</translation>
    </message>
    <message>
        <source>Give a reason for cancelling the order (3 to 200 characters).</source>
        <translation>请填写取消订单的原因（3 到 200 个字符）。</translation>
    </message>
    <message>
        <source>A weighed item cannot be ordered from another store or the warehouse.</source>
        <translation>称重商品不能从其他门店或仓库订货。</translation>
    </message>
    <message>
        <source>HQ has sent no stock figure for that source: choose one from the list.</source>
        <translation>总部没有该来源的库存数据：请从列表中选择。</translation>
    </message>
    <message>
        <source>%1 has none available: choose another store or the warehouse.</source>
        <translation>%1 没有可用库存：请选择其他门店或仓库。</translation>
    </message>
    <message>
        <source>That source has only %1 available: order fewer or choose another source.</source>
        <translation>该来源只有 %1 件可用库存：请减少数量或换一个来源。</translation>
    </message>
    <message>
        <source>The quantity must be 1 to %1.</source>
        <translation>数量须为 1 到 %1。</translation>
    </message>
    <message>
        <source>Choose pick-up here or home delivery.</source>
        <translation>请选择到店自提或送货上门。</translation>
    </message>
    <message>
        <source>Type the customer&apos;s 11-digit mobile number.</source>
        <translation>请输入顾客的 11 位手机号码。</translation>
    </message>
    <message>
        <source>A home delivery needs the delivery address.</source>
        <translation>送货上门需要填写收货地址。</translation>
    </message>
    <message>
        <source>The address is too long: at most 200 characters.</source>
        <translation>地址过长：最多 200 个字。</translation>
    </message>
    <message>
        <source>An ordered item&apos;s quantity was changed after ordering: void the line and order it again.</source>
        <translation>订货商品的数量在订货后被修改：请删除该行后重新订货。</translation>
    </message>
    <message>
        <source>The source of this ordered item could not supply it: call the customer; a manager arranges the refund.</source>
        <translation>该订货商品的来源无法供货：请联系顾客，由店长安排退款。</translation>
    </message>
    <message>
        <source>This order comes from another store or the warehouse: it is handed over when it arrives, not picked here.</source>
        <translation>此订单从其他门店或仓库调货：到货后直接交付，无需在本店拣货。</translation>
    </message>
    <message>
        <source>The customer paid this order in cash, which is paid back from the drawer: open a shift on this till first.</source>
        <translation>顾客用现金支付了此订单，需从钱箱退现：请先在本机开班。</translation>
    </message>
    <message>
        <source>HQ refused the new source: it no longer has every item. Choose another source or cancel the order.</source>
        <translation>总部拒绝了新的货源：该处已无全部商品。请另选货源或取消订单。</translation>
    </message>
    <message>
        <source>HQ had resolved this order already (at another till?): check it with HQ.</source>
        <translation>总部已处理过此订单（其他收银机？）：请与总部核对。</translation>
    </message>
    <message>
        <source>HQ refused the cancel: its refund figures differ from this till&apos;s. Ask a manager to check them with HQ.</source>
        <translation>总部拒绝了取消：其退款金额与本机不符。请经理与总部核对。</translation>
    </message>
    <message>
        <source>HQ refused how this order was resolved: re-source or cancel it again.</source>
        <translation>总部拒绝了此订单的处理：请重新调货或取消。</translation>
    </message>
    <message>
        <source>Cash was paid back from the drawer for this cancel, but HQ refused it: a manager must check the money with HQ. Cash is not paid again.</source>
        <translation>此次取消已从钱箱退现，但总部拒绝了：须由经理与总部核对款项。不会再次退现。</translation>
    </message>
    <message>
        <source>This item was ordered from elsewhere and the customer has not collected it yet: it cannot be returned before.</source>
        <translation>该商品为订货商品，顾客尚未取货：取货前不能退货。</translation>
    </message>
    <message>
        <source>This order is not in this store&apos;s pick-up list (yet): sync, then try again.</source>
        <translation>本店自提列表中（暂）无此订单：请先同步再试。</translation>
    </message>
    <message>
        <source>This order is for another store: send the customer there.</source>
        <translation>此订单属于其他门店：请引导顾客前往该店。</translation>
    </message>
    <message>
        <source>This order was cancelled online: do not hand it over.</source>
        <translation>此订单已在线上取消：请勿交付。</translation>
    </message>
    <message>
        <source>The hold period of this order is over and it was refunded: do not hand it over.</source>
        <translation>此订单已过保留期并已退款：请勿交付。</translation>
    </message>
    <message>
        <source>This order was already handed over.</source>
        <translation>此订单已交付。</translation>
    </message>
    <message>
        <source>This order is not ready for hand-over yet.</source>
        <translation>此订单尚未备好，不能交付。</translation>
    </message>
    <message>
        <source>Start picking this order first.</source>
        <translation>请先开始拣货。</translation>
    </message>
    <message>
        <source>This order cannot do that in its present state.</source>
        <translation>此订单当前状态不允许该操作。</translation>
    </message>
    <message>
        <source>The code and phone digits do not match an order ready here.</source>
        <translation>取货码与手机尾号不匹配本店任何待取订单。</translation>
    </message>
    <message>
        <source>Type the 6-digit pick-up code and the last 4 digits of the phone.</source>
        <translation>请输入 6 位取货码和手机号后 4 位。</translation>
    </message>
    <message>
        <source>This QR code was not issued by HQ: ask for the pick-up code.</source>
        <translation>此二维码不是总部签发的：请向顾客索取取货码。</translation>
    </message>
    <message>
        <source>This QR code cannot be checked here yet: ask for the pick-up code.</source>
        <translation>本机暂时无法校验此二维码：请向顾客索取取货码。</translation>
    </message>
    <message>
        <source>This QR code has expired.</source>
        <translation>此二维码已过期。</translation>
    </message>
    <message>
        <source>This is not a pick-up QR code.</source>
        <translation>这不是自提二维码。</translation>
    </message>
    <message>
        <source>%1 is not on this order.</source>
        <translation>%1 不在此订单中。</translation>
    </message>
    <message>
        <source>That is more than the customer ordered.</source>
        <translation>超过了顾客订购的数量。</translation>
    </message>
    <message>
        <source>%1 is sold by weight: weigh it and scan the scale label.</source>
        <translation>%1 按重量销售：请称重后扫描秤签。</translation>
    </message>
    <message>
        <source>Pick every line, or mark what is missing as short with a reason.</source>
        <translation>请拣齐每一行，或将缺少的商品标记为缺货并注明原因。</translation>
    </message>
    <message>
        <source>Nothing was picked: the order cannot be made ready.</source>
        <translation>没有拣到任何商品：订单不能标记为备好。</translation>
    </message>
    <message>
        <source>The customer did not allow substitutes for this order.</source>
        <translation>顾客不接受此订单的商品替换。</translation>
    </message>
    <message>
        <source>Choose a reason.</source>
        <translation>请选择原因。</translation>
    </message>
    <message>
        <source>A proxy pick-up needs the collector&apos;s name and the last 4 to 6 characters of their ID.</source>
        <translation>代取需要登记取货人姓名及证件号后 4 至 6 位。</translation>
    </message>
    <message>
        <source>That conflict is not open any more.</source>
        <translation>该冲突已处理。</translation>
    </message>
    <message>
        <source>No printer is set up on this till: the pick list cannot be printed.</source>
        <translation>本收银机未设置打印机：无法打印拣货单。</translation>
    </message>
    <message>
        <source>This sale could not be read back; it was set aside for store IT.</source>
        <translation>这笔交易无法读取，已留存给门店 IT 处理。</translation>
    </message>
    <message>
        <source>Payments were already taken: remove them before changing the sale.</source>
        <translation>已收款：请先撤销付款再修改交易。</translation>
    </message>
    <message>
        <source>This sale was started by operator %1 and has taken payments: they finish it, or you take it over.</source>
        <translation>这笔交易由操作员 %1 开始且已收款：请由其完成，或由您接手。</translation>
    </message>
    <message>
        <source>Card or mobile payments were taken: remove (refund) them first.</source>
        <translation>已收取银行卡或移动支付：请先撤销（退款）。</translation>
    </message>
    <message>
        <source>There is nothing to park.</source>
        <translation>没有可挂单的商品。</translation>
    </message>
    <message>
        <source>Payments were already taken: finish or void the sale instead.</source>
        <translation>已收款：请完成或作废这笔交易。</translation>
    </message>
    <message>
        <source>Park or finish the current sale before resuming another.</source>
        <translation>请先挂单或完成当前交易，再恢复其他交易。</translation>
    </message>
    <message>
        <source>That parked sale no longer exists.</source>
        <translation>该挂单已不存在。</translation>
    </message>
    <message>
        <source>That parked sale cannot be read; it was kept for store IT.</source>
        <translation>该挂单无法读取，已留存给门店 IT 处理。</translation>
    </message>
    <message>
        <source>That sale is no longer the one on screen: look at it again.</source>
        <translation>该交易已不是屏幕上的交易：请重新查看。</translation>
    </message>
    <message>
        <source>The sale changed elsewhere and was reloaded: check it and complete again.</source>
        <translation>交易已在别处变更并已重新载入：请检查后再次结账。</translation>
    </message>
    <message>
        <source>The till&apos;s database could not be opened: call store IT.</source>
        <translation>本机数据库无法打开：请联系门店 IT。</translation>
    </message>
    <message>
        <source>No product has the SKU or barcode %1.</source>
        <translation>没有货号或条码为 %1 的商品。</translation>
    </message>
    <message>
        <source>This product is sold by weight: weigh it and scan the scale&apos;s label.</source>
        <translation>该商品按重量销售：请称重并扫描秤签。</translation>
    </message>
    <message>
        <source>This product is not sold by weight.</source>
        <translation>该商品不按重量销售。</translation>
    </message>
    <message>
        <source>No member has the code, phone or card %1.</source>
        <translation>没有会员码、手机号或卡号为 %1 的会员。</translation>
    </message>
    <message>
        <source>Enter or scan the coupon code.</source>
        <translation>请输入或扫描优惠券码。</translation>
    </message>
    <message>
        <source>Coupon %1 is already on this sale.</source>
        <translation>优惠券 %1 已在本单中使用。</translation>
    </message>
    <message>
        <source>Coupon %1 is not on this sale.</source>
        <translation>优惠券 %1 不在本单中。</translation>
    </message>
    <message>
        <source>The points and their value do not match: enter the payment again.</source>
        <translation>积分与抵扣金额不符：请重新输入付款。</translation>
    </message>
    <message>
        <source>A payment reference is at most 40 characters.</source>
        <translation>付款参考号最多 40 个字符。</translation>
    </message>
    <message>
        <source>That payment is no longer on the sale.</source>
        <translation>该付款已不在本单中。</translation>
    </message>
    <message>
        <source>The mobile payment failed: take another payment.</source>
        <translation>移动支付失败：请改用其他付款方式。</translation>
    </message>
    <message>
        <source>Scan or type the receipt number.</source>
        <translation>请扫描或输入小票号。</translation>
    </message>
    <message>
        <source>%1 is not a receipt number (like S001-T01-000123).</source>
        <translation>%1 不是小票号（格式如 S001-T01-000123）。</translation>
    </message>
    <message>
        <source>Receipt %1 was not sold on this till.</source>
        <translation>小票 %1 不是本收银台售出的。</translation>
    </message>
    <message>
        <source>Start the return again.</source>
        <translation>请重新开始退货。</translation>
    </message>
    <message>
        <source>Choose the reason for the return.</source>
        <translation>请选择退货原因。</translation>
    </message>
    <message>
        <source>Describe the reason for the return.</source>
        <translation>请说明退货原因。</translation>
    </message>
    <message>
        <source>That sale is not on this till.</source>
        <translation>该交易不在本收银机上。</translation>
    </message>
    <message>
        <source>Refund %1 on the card terminal and enter its refund reference.</source>
        <translation>请在刷卡机上退款 %1，并输入退款参考号。</translation>
    </message>
    <message>
        <source>The sale was returned meanwhile: look the receipt up again.</source>
        <translation>该交易刚刚已办理退货：请重新查询小票。</translation>
    </message>
    <message>
        <source>That return does not exist on this till.</source>
        <translation>本收银机上没有该退货记录。</translation>
    </message>
    <message>
        <source>Scan the receipt QR, or type a receipt or order number or the member&apos;s phone.</source>
        <translation>请扫描小票二维码，或输入小票号、订单号或会员手机号。</translation>
    </message>
    <message>
        <source>Nothing was found for that: check the receipt, the order number or the phone number.</source>
        <translation>没有找到：请核对小票、订单号或手机号。</translation>
    </message>
    <message>
        <source>HQ cannot be reached: an online order or another store&apos;s sale without its receipt QR cannot be returned now. Scan the receipt QR, or try again when online.</source>
        <translation>无法连接总部：没有小票二维码的线上订单或其他门店的销售现在无法退货。请扫描小票二维码，或联网后再试。</translation>
    </message>
    <message>
        <source>That conflict or overdraft is not on this till: refresh the list.</source>
        <translation>本机没有这项冲突或透支，请刷新列表。</translation>
    </message>
    <message>
        <source>This one has been resolved already.</source>
        <translation>这一项已经处理过了。</translation>
    </message>
    <message>
        <source>Choose: accept the loss, or recovered from the customer.</source>
        <translation>请选择：接受损失，或已向顾客追回。</translation>
    </message>
    <message>
        <source>Type the reason first (what was agreed with the customer, or why the loss is accepted).</source>
        <translation>请先填写原因（与顾客的约定，或接受损失的原因）。</translation>
    </message>
    <message>
        <source>The reason is at most %1 characters.</source>
        <translation>原因最多 %1 个字。</translation>
    </message>
    <message>
        <source>This is a sale of this till: look its receipt number up.</source>
        <translation>这是本收银台的销售：请查询它的小票号。</translation>
    </message>
    <message>
        <source>Line %1 is past its return window of %2 days: it can no longer be returned. Leave it out; the other lines can still be returned.</source>
        <translation>第 %1 行已过 %2 天的退货期，不能再退。请去掉该行，其余商品仍可退货。</translation>
    </message>
    <message>
        <source>Line %1 is of a category that is not returned. Only a manager&apos;s override lets it back.</source>
        <translation>第 %1 行属于不可退货的品类，只有经理特批才能退货。</translation>
    </message>
    <message>
        <source>Line %1: choose back to stock, damaged or return to vendor.</source>
        <translation>第 %1 行：请选择退回库存、损坏或退供应商。</translation>
    </message>
    <message>
        <source>Line %1 was already returned, here or in another store.</source>
        <translation>第 %1 行已经退过货（本店或其他门店）。</translation>
    </message>
    <message>
        <source>Another store returned these items meanwhile: nothing was refunded. Look the order up again.</source>
        <translation>其他门店刚刚退了这些商品：本次未退款。请重新查询订单。</translation>
    </message>
    <message>
        <source>HQ refused this return: nothing was refunded. Look the order up again.</source>
        <translation>总部拒绝了这次退货：未退款。请重新查询订单。</translation>
    </message>
    <message>
        <source>Part of this sale was paid in a way only the till that sold it can refund: return it there.</source>
        <translation>此销售有部分付款只能由原收银台退款：请到原收银台退货。</translation>
    </message>
    <message>
        <source>Cash instead of the original payment is only for an online order, where the store&apos;s policy allows it.</source>
        <translation>只有线上订单、且门店政策允许时，才能改为退现金。</translation>
    </message>
    <message>
        <source>%1 is not a product of this store: check the barcode.</source>
        <translation>%1 不是本店商品：请核对条码。</translation>
    </message>
    <message>
        <source>A weighed item cannot be returned without its receipt.</source>
        <translation>称重商品无小票不能退货。</translation>
    </message>
    <message>
        <source>This item has no shelf price to refund: ask a manager.</source>
        <translation>该商品没有可退的售价：请联系经理。</translation>
    </message>
    <message>
        <source>Without a receipt, a line takes 1 to %1 units.</source>
        <translation>无小票退货每行数量为 1 至 %1 件。</translation>
    </message>
    <message>
        <source>Too many different items for one return without receipt.</source>
        <translation>一笔无小票退货的商品种类过多。</translation>
    </message>
    <message>
        <source>A return without receipt refunds at most %1: take fewer items.</source>
        <translation>无小票退货每笔最多退 %1：请减少商品。</translation>
    </message>
    <message>
        <source>This till&apos;s limit for returns without receipt today is reached: %1 is left.</source>
        <translation>本机今日无小票退货额度已用完：剩余 %1。</translation>
    </message>
    <message>
        <source>The store&apos;s policy does not refund this way without a receipt.</source>
        <translation>按门店规定，无小票退货不能以此方式退款。</translation>
    </message>
    <message>
        <source>This receipt QR is not genuine or was altered: it cannot be used for a return.</source>
        <translation>这个小票二维码不是真的或已被改动：不能用于退货。</translation>
    </message>
    <message>
        <source>This receipt QR comes from a till this one does not know yet: type the receipt number, or try again after the next sync.</source>
        <translation>这个小票二维码来自本机尚不认识的收银台：请输入小票号，或下次同步后再试。</translation>
    </message>
    <message>
        <source>This QR code is not a receipt this till can read.</source>
        <translation>这个二维码不是本机能读取的小票。</translation>
    </message>
    <message>
        <source>No member was found for that phone number or code.</source>
        <translation>没有找到这个手机号或会员码对应的会员。</translation>
    </message>
    <message>
        <source>This return was cancelled: the mobile refund was declined and nothing was refunded. Look the receipt up again.</source>
        <translation>该退货已取消：移动支付退款被拒绝，未退任何款项。请重新查询小票。</translation>
    </message>
    <message>
        <source>Mobile payment is unavailable (offline): the mobile part of this refund cannot be paid back now. Try again when online.</source>
        <translation>移动支付不可用（离线）：本次退款中的移动支付部分暂时无法退回。请联网后重试。</translation>
    </message>
    <message>
        <source>The receipt does not name the mobile payment: its part can be paid back once HQ is reachable. Try again when online.</source>
        <translation>小票上没有移动支付的交易号：这部分需连上总部后才能原路退回，请联网后再试。</translation>
    </message>
    <message>
        <source>The mobile refund for return %1 did not answer. The return is kept and is finished (or cancelled) before the next return.</source>
        <translation>退货 %1 的移动支付退款未响应。该退货已保留，将在下一笔退货前完成（或取消）。</translation>
    </message>
    <message>
        <source>The mobile refund was declined: nothing was refunded and the return is cancelled.</source>
        <translation>移动支付退款被拒绝：未退任何款项，退货已取消。</translation>
    </message>
    <message>
        <source>Select at least one item to return.</source>
        <translation>请至少选择一件退货商品。</translation>
    </message>
    <message>
        <source>That line is not on the receipt.</source>
        <translation>小票上没有该行。</translation>
    </message>
    <message>
        <source>Enter a quantity from 1 to what can still be returned.</source>
        <translation>请输入 1 到可退数量之间的数量。</translation>
    </message>
    <message>
        <source>That is more than can still be returned of this line.</source>
        <translation>超过了该行可退的数量。</translation>
    </message>
    <message>
        <source>A weighed item is returned whole.</source>
        <translation>称重商品须整件退货。</translation>
    </message>
    <message>
        <source>Everything on this receipt was already returned.</source>
        <translation>该小票上的商品已全部退货。</translation>
    </message>
    <message>
        <source>A line is selected twice.</source>
        <translation>有一行被重复选择。</translation>
    </message>
    <message>
        <source>The payments of this sale cannot cover this refund: ask a manager.</source>
        <translation>该交易的付款不足以支付此退款：请联系店长。</translation>
    </message>
    <message>
        <source>Part of this sale was paid by an exchange credit, which is not paid out: exchange the items again instead.</source>
        <translation>这笔销售有一部分是换货抵扣支付的，抵扣金额不能退现：请改为再次换货。</translation>
    </message>
    <message>
        <source>This is not a genuine store credit note: check the code.</source>
        <translation>这不是有效的储值券：请核对券码。</translation>
    </message>
    <message>
        <source>No store credit note has this code.</source>
        <translation>没有这个券码的储值券。</translation>
    </message>
    <message>
        <source>This store credit note has been spent in full.</source>
        <translation>这张储值券已用完。</translation>
    </message>
    <message>
        <source>Less is left on this store credit note than this payment: remove the payment (F10) and scan the note again.</source>
        <translation>储值券余额不足以支付这笔金额：请删除该付款（F10）后重新扫描储值券。</translation>
    </message>
    <message>
        <source>This store credit payment was given back to the note: remove the payment and scan the note again.</source>
        <translation>这笔储值券付款已退回储值券：请删除该付款后重新扫描储值券。</translation>
    </message>
    <message>
        <source>HQ cannot be reached: only a store credit note issued at this till can be used offline. Take another payment.</source>
        <translation>无法连接总部：离线时只能使用本机开出的储值券。请改用其他付款方式。</translation>
    </message>
    <message>
        <source>No exchange is in progress: choose the items to exchange on the Returns screen (F9).</source>
        <translation>当前没有进行中的换货：请在退货界面选择要换的商品（F9）。</translation>
    </message>
    <message>
        <source>The items chosen have no value to carry over to an exchange.</source>
        <translation>所选商品没有可抵扣的金额，不能换货。</translation>
    </message>
    <message>
        <source>Scan the new item(s) before paying the exchange.</source>
        <translation>请先扫描换购的新商品，再结算换货。</translation>
    </message>
    <message>
        <source>The difference would go back to a WeChat or Alipay payment, which an exchange cannot do: return the items (F11 on Returns) and sell the new ones, or choose new items worth at least the credit.</source>
        <translation>差额需要退回微信或支付宝，换货无法一并办理：请先办理退货（退货界面 F11）再销售新商品，或选择金额不低于抵扣额的新商品。</translation>
    </message>
    <message>
        <source>The difference would come out of an earlier exchange credit, which is not paid out: choose new items worth at least the credit.</source>
        <translation>差额需要从之前的换货抵扣中退出，抵扣金额不能退现：请选择金额不低于抵扣额的新商品。</translation>
    </message>
    <message>
        <source>The exchange credit on this sale changed: press F11 to pay again.</source>
        <translation>本单的换货抵扣已变化：请按 F11 重新结算。</translation>
    </message>
    <message>
        <source>Payments were taken before the exchange credit: remove them (F11, F10), then pay again.</source>
        <translation>换货抵扣之前已收了款：请先删除这些付款（F11，F10），再重新结算。</translation>
    </message>
    <message>
        <source>This sale carries an exchange credit but the exchange is no longer in progress (the till restarted): remove the credit payment (F10), then pay.</source>
        <translation>本单带有换货抵扣，但换货已不在进行中（收银机曾重启）：请删除抵扣款项（F10）后再结算。</translation>
    </message>
    <message>
        <source>Cash instead of the online payment is not offered in an exchange: the difference goes back to the online payment. Clear Cash instead (F8), then F9 again.</source>
        <translation>换货不支持以现金代替线上支付：差额原路退回线上支付。请取消“改退现金”（F8）后再按 F9。</translation>
    </message>
    <message>
        <source>This exchange&apos;s records are incomplete: call store IT.</source>
        <translation>此换货的记录不完整：请联系门店 IT。</translation>
    </message>
    <message>
        <source>No shift is open on this till: open a shift (count the float) before selling or refunding.</source>
        <translation>本收银机尚未开班：销售或退款前请先开班（清点备用金）。</translation>
    </message>
    <message>
        <source>A shift is already open on this till: close it before opening another.</source>
        <translation>本收银机已有班次开启：请先结班再开新班。</translation>
    </message>
    <message>
        <source>The shift is closed: a closed shift never changes. Open a new one.</source>
        <translation>班次已结：已结班次不可更改。请开新班。</translation>
    </message>
    <message>
        <source>No shift is open on this till: open one first.</source>
        <translation>本收银机尚未开班：请先开班。</translation>
    </message>
    <message>
        <source>Enter the amount in yuan, e.g. 200 or 12.50.</source>
        <translation>请输入金额（元），例如 200 或 12.50。</translation>
    </message>
    <message>
        <source>The amount must be above zero.</source>
        <translation>金额必须大于零。</translation>
    </message>
    <message>
        <source>That is more cash than a drawer holds: check the amount.</source>
        <translation>超过钱箱可容纳的现金：请检查金额。</translation>
    </message>
    <message>
        <source>Count by note and coin, or give a total, not both.</source>
        <translation>请按面额清点，或填写总额，不可同时填写。</translation>
    </message>
    <message>
        <source>That is not a note or coin this drawer counts.</source>
        <translation>这不是本钱箱清点的面额。</translation>
    </message>
    <message>
        <source>A count of notes or coins is a whole number, zero or more.</source>
        <translation>面额张数须为零或正整数。</translation>
    </message>
    <message>
        <source>That is more notes or coins than a drawer holds: check the count.</source>
        <translation>超过钱箱可容纳的张数：请检查清点数。</translation>
    </message>
    <message>
        <source>Enter the reason.</source>
        <translation>请输入原因。</translation>
    </message>
    <message>
        <source>That pay-out is more than the cash the drawer should hold: check the amount.</source>
        <translation>取出金额超过钱箱应有现金：请检查金额。</translation>
    </message>
    <message>
        <source>Another cash movement was made meanwhile: this one now needs a manager&apos;s approval. Try again.</source>
        <translation>刚刚有另一笔现金存取：本笔现需店长批准。请重试。</translation>
    </message>
    <message>
        <source>A sale in progress has taken payments: complete or void it before closing the shift.</source>
        <translation>进行中的交易已收款：结班前请完成或作废该交易。</translation>
    </message>
    <message>
        <source>The shift was closed meanwhile: there is nothing to close.</source>
        <translation>班次刚刚已结：无需再结班。</translation>
    </message>
    <message>
        <source>A sale was completed while you counted: count the drawer again.</source>
        <translation>清点期间有交易完成：请重新清点钱箱。</translation>
    </message>
    <message>
        <source>Enter the reason for this approval.</source>
        <translation>请填写批准原因。</translation>
    </message>
    <message>
        <source>The reason is too long: say it in fewer words.</source>
        <translation>原因过长：请简短填写。</translation>
    </message>
    <message>
        <source>You cannot approve your own request: ask another manager.</source>
        <translation>不能批准自己的请求：请另一位店长批准。</translation>
    </message>
    <message>
        <source>Your role may not do this, even with an approval.</source>
        <translation>您的角色即使经批准也不能执行此操作。</translation>
    </message>
    <message>
        <source>That operator may not approve this: ask a manager.</source>
        <translation>该操作员无权批准：请找店长。</translation>
    </message>
    <message>
        <source>Member enrollment is unavailable now (no connection to HQ): try again later.</source>
        <translation>会员注册暂不可用（无法连接总部）：请稍后再试。</translation>
    </message>
    <message>
        <source>Type the start of a name (1 to 40 characters).</source>
        <translation>请输入姓名开头（1 至 40 个字）。</translation>
    </message>
    <message>
        <source>A search by name needs HQ, which cannot be reached now: find the member by phone or card.</source>
        <translation>按姓名查找需要连接总部，现在无法连接：请用手机号或会员卡查找。</translation>
    </message>
    <message>
        <source>No member has this phone number: the customer can join with the QR code (F5).</source>
        <translation>该手机号不是会员：顾客可扫入会二维码加入（F5）。</translation>
    </message>
    <message>
        <source>This is not a valid member code: ask the member to open it again in their app.</source>
        <translation>这不是有效的会员码：请会员在 App 中重新打开。</translation>
    </message>
    <message>
        <source>This member code has expired: ask the member to refresh it in their app.</source>
        <translation>会员码已过期：请会员在 App 中刷新。</translation>
    </message>
    <message>
        <source>This member code was used already: ask the member for a fresh one.</source>
        <translation>该会员码已被使用：请会员出示新的会员码。</translation>
    </message>
    <message>
        <source>HQ cannot be reached, and a member code needs HQ: type the member&apos;s phone number instead.</source>
        <translation>无法连接总部，会员码需要总部校验：请改为输入会员手机号。</translation>
    </message>
    <message>
        <source>HQ cannot be reached and this till does not know that member yet: try again when the till is online.</source>
        <translation>无法连接总部，本机也没有该会员的记录：请联网后再试。</translation>
    </message>
    <message>
        <source>That is not an item to sell.</source>
        <translation>这不是可销售的商品。</translation>
    </message>
    <message>
        <source>HQ cannot be reached: the full phone number, birthday or address cannot be shown now.</source>
        <translation>无法连接总部：现在无法显示完整手机号、生日或地址。</translation>
    </message>
    <message>
        <source>Only a manager may see a member&apos;s full phone number, birthday or address.</source>
        <translation>只有店长可以查看会员的完整手机号、生日或地址。</translation>
    </message>
    <message>
        <source>Say why it is needed (at least 4 characters): nothing is revealed without a reason.</source>
        <translation>请说明原因（至少 4 个字）：没有原因不予显示。</translation>
    </message>
    <message>
        <source>That is not something the till reveals.</source>
        <translation>收银机不显示该信息。</translation>
    </message>
    <message>
        <source>HQ has no such data for this member.</source>
        <translation>总部没有该会员的此项资料。</translation>
    </message>
    <message>
        <source>The customer display gave an answer the till does not know: the online browsing stays hidden.</source>
        <translation>顾客显示屏返回了无法识别的应答：不显示线上浏览记录。</translation>
    </message>
    <message>
        <source>No printer is set up on this till.</source>
        <translation>本收银机未设置打印机。</translation>
    </message>
    <message>
        <source>There is no receipt to print again.</source>
        <translation>没有可重打的小票。</translation>
    </message>
    <message>
        <source>The receipt is still waiting for the printer: it will print by itself.</source>
        <translation>小票仍在等待打印机，稍后会自动打印。</translation>
    </message>
</context>
<context>
    <name>SetupNotice</name>
    <message>
        <source>No HQ address in the configuration.</source>
        <translation>配置中没有总部地址。</translation>
    </message>
    <message>
        <source>No HQ token on this PC.</source>
        <translation>本机没有总部令牌。</translation>
    </message>
    <message>
        <source>No operators: nobody can sign in.</source>
        <translation>没有操作员：无人可以登录。</translation>
    </message>
    <message>
        <source>The catalogue is empty.</source>
        <translation>商品目录为空。</translation>
    </message>
    <message>
        <source>This till is not set up yet.</source>
        <translation>本收银机尚未设置完成。</translation>
    </message>
    <message>
        <source>Store IT: run this command on this PC:</source>
        <translation>门店 IT：请在本机运行以下命令：</translation>
    </message>
</context>
<context>
    <name>ShiftScreen</name>
    <message>
        <source>Open shift</source>
        <translation>开班</translation>
    </message>
    <message>
        <source>Open a shift with a counted float</source>
        <translation>清点备用金后开班</translation>
    </message>
    <message>
        <source>Pay in</source>
        <translation>存入现金</translation>
    </message>
    <message>
        <source>Pay cash into the drawer</source>
        <translation>向钱箱存入现金</translation>
    </message>
    <message>
        <source>Pay out</source>
        <translation>取出现金</translation>
    </message>
    <message>
        <source>Pay cash out of the drawer</source>
        <translation>从钱箱取出现金</translation>
    </message>
    <message>
        <source>X report</source>
        <translation>X 报表</translation>
    </message>
    <message>
        <source>Print the mid-shift X report</source>
        <translation>打印班中 X 报表</translation>
    </message>
    <message>
        <source>Close shift</source>
        <translation>交班</translation>
    </message>
    <message>
        <source>Close the shift with a blind count</source>
        <translation>盲点现金后交班</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Refresh the shift state</source>
        <translation>刷新班次状态</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>X and Z reports appear here.</source>
        <translation>X 报表和 Z 报表显示在这里。</translation>
    </message>
    <message>
        <source>Last shift report</source>
        <translation>最近的班次报表</translation>
    </message>
    <message>
        <source>Scroll the report</source>
        <translation>滚动报表</translation>
    </message>
    <message>
        <source>Scroll the report sideways</source>
        <translation>横向滚动报表</translation>
    </message>
    <message>
        <source>Shift and cash</source>
        <translation>班次与现金</translation>
    </message>
    <message>
        <source>Confirm the count or the cash movement</source>
        <translation>确认点钞或现金存取</translation>
    </message>
    <message>
        <source>Cancel the count or the cash movement</source>
        <translation>取消点钞或现金存取</translation>
    </message>
    <message>
        <source>Close anyway: I know these have not reached HQ yet</source>
        <translation>仍要交班：我知道这些数据尚未送达总部</translation>
    </message>
    <message>
        <source>Close the shift although events have not reached HQ</source>
        <translation>数据尚未送达总部时仍然交班</translation>
    </message>
    <message>
        <source>Number of %1</source>
        <translation>%1 的张数</translation>
    </message>
    <message>
        <source>Reason for the over/short</source>
        <translation>长短款原因</translation>
    </message>
    <message>
        <source>Why is the drawer over or short?</source>
        <translation>钱箱为什么长款或短款？</translation>
    </message>
    <message>
        <source>Confirm count</source>
        <translation>确认点数</translation>
    </message>
    <message>
        <source>Confirm the count</source>
        <translation>确认点钞结果</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the count</source>
        <translation>取消点钞</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>e.g. float top-up, petty cash</source>
        <translation>例如：补充备用金、零用现金</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Confirm the cash movement</source>
        <translation>确认现金存取</translation>
    </message>
    <message>
        <source>Cancel the cash movement</source>
        <translation>取消现金存取</translation>
    </message>
    <message>
        <source>Amount (yuan)</source>
        <translation>金额（元）</translation>
    </message>
    <message>
        <source>%1 yuan</source>
        <translation>%1 元</translation>
    </message>
    <message>
        <source>%1 jiao</source>
        <translation>%1 角</translation>
    </message>
    <message>
        <source>Shifts are not available on this terminal.</source>
        <translation>本收银机不能使用班次功能。</translation>
    </message>
    <message>
        <source>No shift is open on this terminal.</source>
        <translation>本收银机当前没有开班。</translation>
    </message>
    <message>
        <source>Shift %1 open since %2 (opened by %3), float %4.</source>
        <translation>班次 %1 自 %2 开班（开班人 %3），备用金 %4。</translation>
    </message>
    <message>
        <source>Count the opening float</source>
        <translation>清点开班备用金</translation>
    </message>
    <message>
        <source>Count the drawer (blind count)</source>
        <translation>清点钱箱（盲点）</translation>
    </message>
    <message>
        <source>Not everything has reached HQ: %1 event(s) waiting, %2 rejected. Sales of this shift may be missing at HQ.</source>
        <translation>尚有数据未送达总部：%1 条等待上传，%2 条被拒收。总部可能缺少本班次的销售。</translation>
    </message>
    <message>
        <source>Counted: %1</source>
        <translation>实点：%1</translation>
    </message>
    <message>
        <source>Tick “Close anyway” to close while events have not reached HQ.</source>
        <translation>数据尚未送达总部，请勾选“仍要交班”后再交班。</translation>
    </message>
    <message>
        <source>accept the over/short of the drawer count</source>
        <translation>确认钱箱点数的长短款</translation>
    </message>
    <message>
        <source>close the shift after a refused count: it now matches (counted %1)</source>
        <translation>在点钞被拒后交班：现已相符（实点 %1）</translation>
    </message>
    <message>
        <source>accept a drawer over by %2 (counted %1)</source>
        <translation>接受钱箱长款 %2（实点 %1）</translation>
    </message>
    <message>
        <source>accept a drawer short by %2 (counted %1)</source>
        <translation>接受钱箱短款 %2（实点 %1）</translation>
    </message>
    <message>
        <source>Shift %1 opened with a float of %2.</source>
        <translation>班次 %1 已开班，备用金 %2。</translation>
    </message>
    <message>
        <source>Events still wait for HQ: tick “Close anyway” to close.</source>
        <translation>仍有数据等待送达总部：勾选“仍要交班”后交班。</translation>
    </message>
    <message>
        <source>Shift closed. The drawer balances.</source>
        <translation>已交班。钱箱账实相符。</translation>
    </message>
    <message>
        <source>Shift closed. The drawer is over by %1.</source>
        <translation>已交班。钱箱长款 %1。</translation>
    </message>
    <message>
        <source>Shift closed. The drawer is short by %1.</source>
        <translation>已交班。钱箱短款 %1。</translation>
    </message>
    <message>
        <source>pay %1 into the drawer</source>
        <translation>向钱箱存入 %1</translation>
    </message>
    <message>
        <source>pay %1 out of the drawer</source>
        <translation>从钱箱取出 %1</translation>
    </message>
    <message>
        <source>Enter the amount in yuan, e.g. 200 or 12.50.</source>
        <translation>请输入金额（元），例如 200 或 12.50。</translation>
    </message>
    <message>
        <source>The count does not match what the drawer should hold (off by more than %1). Count again; if it still does not match, enter the reason: a manager approves it.</source>
        <translation>点钞结果与钱箱应有金额不符（差额超过 %1）。请重新清点；如仍不符，请填写原因并由店长批准。</translation>
    </message>
    <message>
        <source>Enter the reason.</source>
        <translation>请输入原因。</translation>
    </message>
    <message>
        <source>Paid in %1.</source>
        <translation>已存入 %1。</translation>
    </message>
    <message>
        <source>Paid out %1.</source>
        <translation>已取出 %1。</translation>
    </message>
    <message>
        <source>see the X report (expected cash)</source>
        <translation>查看 X 报表（应有现金）</translation>
    </message>
    <message>
        <source>X report printed.</source>
        <translation>X 报表已打印。</translation>
    </message>
    <message>
        <source>X report ready (no printer).</source>
        <translation>X 报表已生成（未连接打印机）。</translation>
    </message>
</context>
<context>
    <name>SidePanel</name>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
    <message>
        <source>No member (F5)</source>
        <translation>未关联会员（F5）</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>移除会员</translation>
    </message>
    <message>
        <source>Remove the member from this sale</source>
        <translation>从本单移除会员</translation>
    </message>
    <message>
        <source>Coupons</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <source>None (F6)</source>
        <translation>无（F6）</translation>
    </message>
    <message>
        <source>Subtotal</source>
        <translation>小计</translation>
    </message>
    <message>
        <source>Discounts</source>
        <translation>优惠</translation>
    </message>
    <message>
        <source>On the sale</source>
        <translation>其中整单优惠</translation>
    </message>
    <message>
        <source>Total due</source>
        <translation>应收</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已付</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>找零</translation>
    </message>
    <message>
        <source>Points to earn</source>
        <translation>本单积分</translation>
    </message>
    <message>
        <source>Promotions: %1</source>
        <translation>促销：%1</translation>
    </message>
    <message>
        <source>Promotions: %1 and %2 more</source>
        <translation>促销：%1 等另 %2 项</translation>
    </message>
    <message>
        <source>%1 · %2 · %3
Points: %4</source>
        <translation>%1 · %2 · %3
可用积分：%4</translation>
    </message>
    <message>
        <source>Remove coupon %1</source>
        <translation>移除优惠券 %1</translation>
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
        <source>Needs attention</source>
        <translation>需要处理</translation>
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
    <name>StockCountScreen</name>
    <message>
        <source>Stock counts</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>Open stock counts</source>
        <translation>进行中的盘点</translation>
    </message>
    <message>
        <source>What the new count covers</source>
        <translation>新盘点的范围</translation>
    </message>
    <message>
        <source>Category to count</source>
        <translation>要盘点的品类</translation>
    </message>
    <message>
        <source>Name of the new count</source>
        <translation>新盘点的名称</translation>
    </message>
    <message>
        <source>e.g. Aisle 3, shelf A</source>
        <translation>例如：3 号通道 A 货架</translation>
    </message>
    <message>
        <source>Items of the zone or cycle list: codes separated by spaces</source>
        <translation>区域或循环清单的商品：条码以空格分隔</translation>
    </message>
    <message>
        <source>Scan or type codes, separated by spaces</source>
        <translation>扫描或输入条码，以空格分隔</translation>
    </message>
    <message>
        <source>Scan or type an item code</source>
        <translation>扫描或输入商品条码</translation>
    </message>
    <message>
        <source>Scan an item, or type its code and press Enter</source>
        <translation>扫描商品，或输入条码后按回车</translation>
    </message>
    <message>
        <source>Quantity for the next scan (pieces, or grams of a weighed item)</source>
        <translation>下一次扫描的数量（件数，称重商品为克）</translation>
    </message>
    <message>
        <source>The count picked</source>
        <translation>所选盘点</translation>
    </message>
    <message>
        <source>What was counted so far</source>
        <translation>目前已盘点</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Counted so far, per item</source>
        <translation>各商品目前已盘数量</translation>
    </message>
    <message>
        <source>Review: expected, counted and variance per item</source>
        <translation>复核：各商品账面数、实盘数及差异</translation>
    </message>
    <message>
        <source>Review summary</source>
        <translation>复核汇总</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Create the count described</source>
        <translation>按所填内容创建盘点</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>盘点</translation>
    </message>
    <message>
        <source>Count the selected plan: scan items</source>
        <translation>盘点所选计划：扫描商品</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Type a quantity for the next scan</source>
        <translation>输入下一次扫描的数量</translation>
    </message>
    <message>
        <source>Submit</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Submit the count for review</source>
        <translation>提交盘点以供复核</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>复核</translation>
    </message>
    <message>
        <source>Review the submitted count</source>
        <translation>复核已提交的盘点</translation>
    </message>
    <message>
        <source>Recount</source>
        <translation>复盘</translation>
    </message>
    <message>
        <source>Send the flagged lines back to be counted again</source>
        <translation>将标记的行退回重新盘点</translation>
    </message>
    <message>
        <source>Approve</source>
        <translation>批准</translation>
    </message>
    <message>
        <source>Approve and post the stock adjustment</source>
        <translation>批准并过账库存调整</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <source>Export the review as a CSV file</source>
        <translation>将复核导出为 CSV 文件</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <source>Print the count summary</source>
        <translation>打印盘点汇总</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Read the open counts again</source>
        <translation>重新读取进行中的盘点</translation>
    </message>
    <message>
        <source>Cancel count</source>
        <translation>取消盘点</translation>
    </message>
    <message>
        <source>Cancel the selected count without changing stock (asks a reason)</source>
        <translation>取消所选盘点，不调整库存（需填写原因）</translation>
    </message>
    <message>
        <source>Covers</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>品类</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>No count is open: describe one on the right and press F2.</source>
        <translation>没有进行中的盘点：请在右侧填写后按 F2。</translation>
    </message>
    <message>
        <source>Pick a count in the list (Up / Down), or create one.</source>
        <translation>请在列表中选择盘点（上/下键），或新建一个。</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>counted with till %1, reviewed there</source>
        <translation>与收银台 %1 共同盘点，在该台审核</translation>
    </message>
    <message>
        <source>count again from zero: %1</source>
        <translation>从零重新盘点：%1</translation>
    </message>
    <message>
        <source>submitted: a manager reviews it</source>
        <translation>已提交：由店长复核</translation>
    </message>
    <message>
        <source>Counted so far: %1 items of %2 · %3 scans counted here</source>
        <translation>目前已盘：%2 个商品中的 %1 个 · 本机已计 %3 次扫描</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>%1 次等待中</translation>
    </message>
    <message>
        <source>other tills&apos; counts included, as of %1</source>
        <translation>已含其他收银台的盘点，截至 %1</translation>
    </message>
    <message>
        <source>Choose the category to count.</source>
        <translation>请选择要盘点的品类。</translation>
    </message>
    <message>
        <source>Scan or type the codes of the items to count, separated by spaces.</source>
        <translation>请扫描或输入要盘点商品的条码，以空格分隔。</translation>
    </message>
    <message>
        <source>Count created: scan the items (blind: the expected figures stay hidden).</source>
        <translation>盘点已创建：请扫描商品（盲盘：账面数不显示）。</translation>
    </message>
    <message>
        <source>Pick a count that is being counted before scanning.</source>
        <translation>扫描前请先选择正在进行的盘点。</translation>
    </message>
    <message>
        <source>Type a whole number from 1 to 100,000 (a minus sign corrects a slip).</source>
        <translation>请输入 1 到 100,000 的整数（负号用于更正误扫）。</translation>
    </message>
    <message>
        <source>%1: %2 counted</source>
        <translation>%1：已盘 %2</translation>
    </message>
    <message>
        <source>Wait until every scan is counted, then submit.</source>
        <translation>请等所有扫描计数完成后再提交。</translation>
    </message>
    <message>
        <source>Submitted for review.</source>
        <translation>已提交复核。</translation>
    </message>
    <message>
        <source>Submitted: a manager reviews the count and posts it.</source>
        <translation>已提交：由店长复核并过账。</translation>
    </message>
    <message>
        <source>%1 items · %2 with a variance · %3 flagged for recount · value %4</source>
        <translation>%1 个商品 · %2 个有差异 · %3 个需复盘 · 金额 %4</translation>
    </message>
    <message>
        <source>above %1: a second manager approves too</source>
        <translation>超过 %1：还需第二位店长批准</translation>
    </message>
    <message>
        <source>nothing to adjust</source>
        <translation>无需调整</translation>
    </message>
    <message>
        <source>counted on every till, other tills as of %1</source>
        <translation>各收银台合计，其他收银台截至 %1</translation>
    </message>
    <message>
        <source>counted on this till only (no other till&apos;s count received)</source>
        <translation>仅本收银台的盘点（未收到其他收银台的盘点）</translation>
    </message>
    <message>
        <source>send %1 lines of the count back to be counted again</source>
        <translation>将盘点中的 %1 行退回重新盘点</translation>
    </message>
    <message>
        <source>Sent back to be counted again: %1.</source>
        <translation>已退回重新盘点：%1。</translation>
    </message>
    <message>
        <source>post the stock count %1: adjustments worth %2</source>
        <translation>过账盘点 %1：调整金额 %2</translation>
    </message>
    <message>
        <source>Posted: %1 items adjusted.</source>
        <translation>已过账：调整了 %1 个商品。</translation>
    </message>
    <message>
        <source>Cancel the count %1</source>
        <translation>取消盘点 %1</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Give a reason (at least 3 characters).</source>
        <translation>请填写原因（至少 3 个字）。</translation>
    </message>
    <message>
        <source>Count %1 cancelled: stock was not changed.</source>
        <translation>盘点 %1 已取消，库存未调整。</translation>
    </message>
    <message>
        <source>Review saved as %1</source>
        <translation>复核已保存为 %1</translation>
    </message>
    <message>
        <source>Count summary sent to the printer.</source>
        <translation>盘点汇总已发送到打印机。</translation>
    </message>
    <message>
        <source>counting</source>
        <translation>盘点中</translation>
    </message>
    <message>
        <source>to review</source>
        <translation>待复核</translation>
    </message>
    <message>
        <source>recount</source>
        <translation>复盘中</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>posted</source>
        <translation>已过账</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Zone</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Cycle list</source>
        <translation>循环清单</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Counted</source>
        <translation>实盘</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品编号</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>账面</translation>
    </message>
    <message>
        <source>Variance</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>%1 (not counted)</source>
        <translation>%1（未盘）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>The count %1 was closed at another till (%2): it takes no more scans.</source>
        <translation>盘点“%1”已在其他收银台关闭（%2），不再接受扫描。</translation>
    </message>
    <message>
        <source>Other tills&apos; counts were updated: the review shows the new figures. Check them before approving.</source>
        <translation>其他收银台的计数已更新：复核表已显示新数字，请核对后再批准。</translation>
    </message>
</context>
<context>
    <name>StockPanel</name>
    <message>
        <source>On hand</source>
        <translation>现有</translation>
    </message>
    <message>
        <source>Reserved</source>
        <translation>预留</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>可售</translation>
    </message>
    <message>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>This till</source>
        <translation>本机</translation>
    </message>
    <message>
        <source>This store at HQ</source>
        <translation>本店（总部数据）</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Select a product to see its stock.</source>
        <translation>选择商品以查看库存。</translation>
    </message>
    <message>
        <source>Stock of %1 %2</source>
        <translation>库存：%1 %2</translation>
    </message>
    <message>
        <source>Reading stock…</source>
        <translation>正在读取库存…</translation>
    </message>
    <message>
        <source>nothing recorded on this till</source>
        <translation>本机无记录</translation>
    </message>
    <message>
        <source>not received from HQ</source>
        <translation>尚未收到总部数据</translation>
    </message>
    <message>
        <source>Other stores and the warehouse: HQ has sent no figures for this product.</source>
        <translation>其他门店和仓库：总部尚未发送此商品的库存。</translation>
    </message>
    <message>
        <source>Sites further away not shown: %1</source>
        <translation>更远的 %1 个地点未显示</translation>
    </message>
    <message>
        <source>%1 (warehouse)</source>
        <translation>%1（仓库）</translation>
    </message>
    <message>
        <source>%1 · %2 km</source>
        <translation>%1 · %2 公里</translation>
    </message>
    <message>
        <source>Stock could not be read: %1</source>
        <translation>无法读取库存：%1</translation>
    </message>
    <message>
        <source>kg</source>
        <translation>千克</translation>
    </message>
    <message>
        <source>time unknown, may be out of date</source>
        <translation>时间未知，可能已过时</translation>
    </message>
    <message>
        <source>%1 (older than 10 min)</source>
        <translation>%1（超过 10 分钟）</translation>
    </message>
    <message>
        <source>%1: on hand %2, reserved %3, available %4, as of %5</source>
        <translation>%1：现有 %2，预留 %3，可售 %4，截至 %5</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>an unknown time</source>
        <translation>未知时间</translation>
    </message>
    <message>
        <source>(older than 10 minutes: may be out of date)</source>
        <translation>（超过 10 分钟，可能已过时）</translation>
    </message>
</context>
<context>
    <name>SyncEvents</name>
    <message>
        <source>Order from another site</source>
        <translation>外店/仓库订货</translation>
    </message>
    <message>
        <source>Endless-aisle order cancelled</source>
        <translation>订货单已取消</translation>
    </message>
    <message>
        <source>Endless-aisle order re-sourced</source>
        <translation>订货单已改换货源</translation>
    </message>
    <message>
        <source>Audit record</source>
        <translation>审计记录</translation>
    </message>
    <message>
        <source>Store credit given back to its note</source>
        <translation>储值券退回</translation>
    </message>
    <message>
        <source>Drawer opened without a sale</source>
        <translation>无销售开钱箱</translation>
    </message>
    <message>
        <source>Pick-up handed over</source>
        <translation>自提已交付</translation>
    </message>
    <message>
        <source>Pick-up picking started</source>
        <translation>自提开始拣货</translation>
    </message>
    <message>
        <source>Pick-up ready</source>
        <translation>自提已备好</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>退货</translation>
    </message>
    <message>
        <source>Return conflict or overdraft resolved</source>
        <translation>退货冲突或储值券透支已处理</translation>
    </message>
    <message>
        <source>Return without a receipt</source>
        <translation>无小票退货</translation>
    </message>
    <message>
        <source>Return of another store&apos;s or online order</source>
        <translation>他店或线上订单退货</translation>
    </message>
    <message>
        <source>Sale</source>
        <translation>销售</translation>
    </message>
    <message>
        <source>Cash paid in or out</source>
        <translation>现金存入或支出</translation>
    </message>
    <message>
        <source>Shift closed</source>
        <translation>交班结束</translation>
    </message>
    <message>
        <source>Shift opened</source>
        <translation>开班</translation>
    </message>
    <message>
        <source>Stock count cancelled</source>
        <translation>盘点已取消</translation>
    </message>
    <message>
        <source>Stock count planned</source>
        <translation>盘点已创建</translation>
    </message>
    <message>
        <source>Stock count posted</source>
        <translation>盘点结果已过账</translation>
    </message>
    <message>
        <source>Stock count scan</source>
        <translation>盘点扫描</translation>
    </message>
    <message>
        <source>Stock movement</source>
        <translation>库存变动</translation>
    </message>
    <message>
        <source>Other event</source>
        <translation>其他事件</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message numerus="yes">
        <source>%n waiting</source>
        <translation>
            <numerusform>%n 条待同步</numerusform>
        </translation>
    </message>
    <message>
        <source>Offline (no HQ)</source>
        <translation>离线（未配置总部）</translation>
    </message>
    <message>
        <source>Offline: no HQ token</source>
        <translation>离线：缺少总部令牌</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Syncing</source>
        <translation>同步中</translation>
    </message>
    <message>
        <source>Offline: this till needs an upgrade</source>
        <translation>离线：本收银机需要升级</translation>
    </message>
    <message>
        <source>Offline: HQ needs an upgrade</source>
        <translation>离线：总部需要升级</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>oldest %1</source>
        <translation>最早 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n need attention</source>
        <translation>
            <numerusform>%n 条需处理</numerusform>
        </translation>
    </message>
    <message>
        <source>clock off by %1 s</source>
        <translation>时钟偏差 %1 秒</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Connection state</source>
        <translation>连接状态</translation>
    </message>
    <message>
        <source>Events waiting</source>
        <translation>待同步事件</translation>
    </message>
    <message>
        <source>Oldest waiting event</source>
        <translation>最早的待同步事件</translation>
    </message>
    <message>
        <source>Last successful sync</source>
        <translation>最近一次成功同步</translation>
    </message>
    <message>
        <source>Clock difference to HQ</source>
        <translation>与总部的时钟偏差</translation>
    </message>
    <message>
        <source>Last sync error</source>
        <translation>最近的同步错误</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <source>Retry selected</source>
        <translation>重试所选</translation>
    </message>
    <message>
        <source>Retry selected events that need attention</source>
        <translation>重试所选的待处理事件</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Events waiting for HQ</source>
        <translation>等待上传总部的事件</translation>
    </message>
    <message>
        <source>Events that need attention</source>
        <translation>需处理的事件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>待同步</translation>
    </message>
    <message>
        <source>Oldest waiting</source>
        <translation>最早待同步</translation>
    </message>
    <message>
        <source>Last success</source>
        <translation>最近成功</translation>
    </message>
    <message>
        <source>Clock skew</source>
        <translation>时钟偏差</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <source>Sync with HQ</source>
        <translation>与总部同步</translation>
    </message>
    <message>
        <source>Needs attention (rejected by HQ)</source>
        <translation>需处理（被总部拒绝）</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Tries</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Syncing</source>
        <translation>同步中</translation>
    </message>
    <message>
        <source>Offline (no HQ configured)</source>
        <translation>离线（未配置总部）</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>(check the clock)</source>
        <translation>（请检查时钟）</translation>
    </message>
    <message>
        <source>The last pass did not finish: HQ could not be reached or refused it (details: store-client sync status).</source>
        <translation>上一次同步未完成：无法连接总部或被总部拒绝（详情：store-client sync status）。</translation>
    </message>
    <message>
        <source>Not delivered yet: HQ was not reachable</source>
        <translation>尚未送达：无法连接总部</translation>
    </message>
    <message>
        <source>Refused by HQ (its reason: store-client sync status)</source>
        <translation>被总部拒绝（原因：store-client sync status）</translation>
    </message>
</context>
<context>
    <name>TenderDialog</name>
    <message>
        <source>Payment</source>
        <translation>收款</translation>
    </message>
    <message>
        <source>Payments made</source>
        <translation>已收款项</translation>
    </message>
    <message>
        <source>Remove payment</source>
        <translation>删除款项</translation>
    </message>
    <message>
        <source>Remove the selected payment</source>
        <translation>删除所选款项</translation>
    </message>
    <message>
        <source>Payment method</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>银行卡</translation>
    </message>
    <message>
        <source>Mobile</source>
        <translation>移动支付</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>积分</translation>
    </message>
    <message>
        <source>Store credit</source>
        <translation>储值券</translation>
    </message>
    <message>
        <source>Complete sale</source>
        <translation>完成交易</translation>
    </message>
    <message>
        <source>Back to cart</source>
        <translation>返回购物车</translation>
    </message>
    <message>
        <source>Exact cash: the amount due</source>
        <translation>现金付清：收取应付金额</translation>
    </message>
    <message>
        <source>Cash: quick amount %1</source>
        <translation>现金：快捷金额 %1</translation>
    </message>
    <message>
        <source>Quick cash amount %1</source>
        <translation>快捷现金金额 %1</translation>
    </message>
    <message>
        <source>Cash received</source>
        <translation>实收现金</translation>
    </message>
    <message>
        <source>Amount handed over, e.g. 100</source>
        <translation>顾客所付金额，例如 100</translation>
    </message>
    <message>
        <source>Take cash</source>
        <translation>收现金</translation>
    </message>
    <message>
        <source>Card amount</source>
        <translation>刷卡金额</translation>
    </message>
    <message>
        <source>Authorisation reference</source>
        <translation>授权号</translation>
    </message>
    <message>
        <source>From the card terminal&apos;s slip</source>
        <translation>见刷卡机签购单</translation>
    </message>
    <message>
        <source>Confirm card payment</source>
        <translation>确认刷卡</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Authorisation ref.</source>
        <translation>授权号</translation>
    </message>
    <message>
        <source>Mobile payment amount</source>
        <translation>移动支付金额</translation>
    </message>
    <message>
        <source>Customer&apos;s payment code</source>
        <translation>顾客付款码</translation>
    </message>
    <message>
        <source>Scan the payment code on the customer&apos;s phone</source>
        <translation>扫描顾客手机上的付款码</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>收款</translation>
    </message>
    <message>
        <source>Charge the mobile payment</source>
        <translation>发起移动支付收款</translation>
    </message>
    <message>
        <source>Mobile payment is unavailable (offline).</source>
        <translation>移动支付不可用（离线）。</translation>
    </message>
    <message>
        <source>Payment code</source>
        <translation>付款码</translation>
    </message>
    <message>
        <source>Amount paid with points</source>
        <translation>积分抵扣金额</translation>
    </message>
    <message>
        <source>Pay with points</source>
        <translation>积分抵扣</translation>
    </message>
    <message>
        <source>Store credit note code</source>
        <translation>储值券券码</translation>
    </message>
    <message>
        <source>Scan the note, or type CN and its 14 digits</source>
        <translation>扫描储值券，或输入 CN 及 14 位数字</translation>
    </message>
    <message>
        <source>Pay with the note</source>
        <translation>用储值券支付</translation>
    </message>
    <message>
        <source>Pay with the store credit note</source>
        <translation>用储值券支付</translation>
    </message>
    <message>
        <source>The note pays what is left on it, at most what is due; the rest stays on the note.</source>
        <translation>储值券按余额抵扣，最多抵扣应付金额；剩余金额留在券上。</translation>
    </message>
    <message>
        <source>Note code</source>
        <translation>券码</translation>
    </message>
    <message>
        <source>To pay: %1</source>
        <translation>待付：%1</translation>
    </message>
    <message>
        <source>Total %1 · paid %2 · change %3</source>
        <translation>应收 %1 · 已付 %2 · 找零 %3</translation>
    </message>
    <message>
        <source>Exact</source>
        <translation>付讫</translation>
    </message>
    <message>
        <source>Attach a member (F5) to pay with points.</source>
        <translation>关联会员（F5）后可用积分抵扣。</translation>
    </message>
    <message>
        <source>%1 has %2 points available.</source>
        <translation>%1 有 %2 积分可用。</translation>
    </message>
    <message>
        <source>Exchange credit</source>
        <translation>换货抵扣</translation>
    </message>
    <message>
        <source>Enter an amount such as 12.50.</source>
        <translation>请输入金额，例如 12.50。</translation>
    </message>
    <message>
        <source>Type the authorisation reference printed by the card terminal.</source>
        <translation>请输入刷卡机打印的授权号。</translation>
    </message>
    <message>
        <source>Scan the payment code on the customer&apos;s phone.</source>
        <translation>请扫描顾客手机上的付款码。</translation>
    </message>
    <message>
        <source>Scan the store credit note&apos;s code.</source>
        <translation>请扫描储值券券码。</translation>
    </message>
    <message>
        <source>Nothing is left to pay.</source>
        <translation>已无待付金额。</translation>
    </message>
    <message>
        <source>take a payment</source>
        <translation>收款</translation>
    </message>
</context>
<context>
    <name>Tiers</name>
    <message>
        <source>Regular member</source>
        <translation>普通会员</translation>
    </message>
    <message>
        <source>Silver member</source>
        <translation>银卡会员</translation>
    </message>
    <message>
        <source>Gold member</source>
        <translation>金卡会员</translation>
    </message>
    <message>
        <source>Platinum member</source>
        <translation>白金会员</translation>
    </message>
    <message>
        <source>Diamond member</source>
        <translation>钻石会员</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>会员</translation>
    </message>
</context>
<context>
    <name>Tour</name>
    <message>
        <source>Aisle %1</source>
        <translation>%1 号通道</translation>
    </message>
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
