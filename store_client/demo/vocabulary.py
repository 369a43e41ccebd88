"""Words the demo catalog is built from: categories, brands, products, variants, specs.

Brands are invented (no real trademarks); their English names are the pinyin.
A spec is ``(zh, en, price factor in percent)``; a variant is ``(zh, en)``.
"""

from __future__ import annotations

from dataclasses import dataclass

Pair = tuple[str, str]
Spec = tuple[str, str, int]


@dataclass(frozen=True)
class SubCategory:
    code: str
    name_zh: str
    name_en: str
    products: tuple[Pair, ...]
    variants: tuple[Pair, ...]
    specs: tuple[Spec, ...]
    price_yuan: tuple[int, int]  # base price range before the spec factor
    weight: int = 10  # relative share of the catalog
    tax_rate_bp: int = 1300
    weighed: bool = False  # sold by the kilogram (price per kg)


@dataclass(frozen=True)
class TopCategory:
    code: str
    name_zh: str
    name_en: str
    brands: tuple[Pair, ...]
    subcategories: tuple[SubCategory, ...]


_COLOURS: tuple[Pair, ...] = (
    ("黑色", "Black"), ("白色", "White"), ("藏青色", "Navy"), ("灰色", "Grey"),
    ("卡其色", "Khaki"), ("米色", "Beige"), ("雾霾蓝", "Haze Blue"), ("酒红色", "Burgundy"),
)
_SIZES: tuple[Spec, ...] = (("S", "S", 100), ("M", "M", 100), ("L", "L", 100),
                            ("XL", "XL", 105), ("XXL", "XXL", 110))

#: Optional product line between brand and product, to vary names at large sizes.
SERIES: tuple[Pair, ...] = (
    ("经典系列", "Classic"), ("臻选系列", "Select"), ("青春系列", "Youth"), ("专业系列", "Pro"),
    ("轻享系列", "Lite"), ("尊享系列", "Premium"), ("自然系列", "Nature"), ("都市系列", "Urban"),
)

CATALOG: tuple[TopCategory, ...] = (
    TopCategory(
        "BEA", "美妆", "Beauty",
        (("润研", "Runyan"), ("花漾", "Huayang"), ("雪颜", "Xueyan"), ("植萃", "Zhicui"),
         ("清沐", "Qingmu"), ("悦诗", "Yueshi"), ("水澜", "Shuilan"), ("玉容", "Yurong"),
         ("溪语", "Xiyu"), ("初禾", "Chuhe")),
        (
            SubCategory(
                "BEA-HAIR", "洗护发", "Hair Care",
                (("氨基酸洗发水", "Amino Acid Shampoo"), ("去屑洗发水", "Anti-dandruff Shampoo"),
                 ("护发素", "Conditioner"), ("发膜", "Hair Mask"), ("护发精油", "Hair Oil")),
                (("滋润型", "Moisturizing"), ("清爽型", "Refreshing"), ("控油型", "Oil Control"),
                 ("修护型", "Repair")),
                (("200ml", "200ml", 60), ("400ml", "400ml", 100), ("500ml", "500ml", 120),
                 ("750ml", "750ml", 160)),
                (19, 99), weight=12,
            ),
            SubCategory(
                "BEA-SKIN", "护肤", "Skin Care",
                (("保湿面霜", "Moisturizing Cream"), ("精华液", "Serum"), ("爽肤水", "Toner"),
                 ("洁面乳", "Facial Cleanser"), ("补水面膜", "Hydrating Sheet Mask"),
                 ("防晒霜", "Sunscreen"), ("眼霜", "Eye Cream")),
                (("滋润型", "Rich"), ("清爽型", "Light"), ("敏感肌", "Sensitive Skin"),
                 ("亮肤", "Brightening")),
                (("30ml", "30ml", 70), ("50ml", "50ml", 100), ("100ml", "100ml", 150),
                 ("120ml", "120ml", 170)),
                (39, 399), weight=14,
            ),
            SubCategory(
                "BEA-MAKE", "彩妆", "Makeup",
                (("口红", "Lipstick"), ("粉底液", "Liquid Foundation"), ("眼影盘", "Eyeshadow Palette"),
                 ("睫毛膏", "Mascara"), ("眉笔", "Eyebrow Pencil"), ("散粉", "Loose Powder")),
                (("正红色", "Classic Red"), ("豆沙色", "Rose Nude"), ("自然色", "Natural"),
                 ("象牙白", "Ivory")),
                (("#01", "#01", 100), ("#02", "#02", 100), ("#03", "#03", 100), ("#05", "#05", 100)),
                (49, 329), weight=8,
            ),
        ),
    ),
    TopCategory(
        "APP", "服饰", "Apparel",
        (("衣品汇", "Yipinhui"), ("简约家", "Jianyuejia"), ("城野", "Chengye"), ("棉言", "Mianyan"),
         ("北岸", "Beian"), ("素格", "Suge"), ("森屿", "Senyu"), ("知衫", "Zhishan"),
         ("拓行", "Tuoxing"), ("南纺", "Nanfang")),
        (
            SubCategory(
                "APP-MEN", "男装", "Menswear",
                (("纯棉T恤", "Cotton T-shirt"), ("休闲衬衫", "Casual Shirt"), ("牛仔裤", "Jeans"),
                 ("羽绒服", "Down Jacket"), ("针织开衫", "Knit Cardigan"), ("运动裤", "Track Pants")),
                _COLOURS, _SIZES, (59, 699), weight=12,
            ),
            SubCategory(
                "APP-WOM", "女装", "Womenswear",
                (("连衣裙", "Dress"), ("雪纺衬衫", "Chiffon Blouse"), ("阔腿裤", "Wide-leg Trousers"),
                 ("风衣", "Trench Coat"), ("针织衫", "Knit Sweater"), ("半身裙", "Skirt")),
                _COLOURS, _SIZES[:4], (69, 799), weight=14,
            ),
            SubCategory(
                "APP-ACC", "鞋包配饰", "Shoes & Accessories",
                (("运动鞋", "Sneakers"), ("帆布包", "Canvas Tote"), ("真皮钱包", "Leather Wallet"),
                 ("羊毛围巾", "Wool Scarf"), ("棒球帽", "Baseball Cap")),
                _COLOURS[:5],
                (("均码", "One Size", 100), ("小号", "Small", 90), ("大号", "Large", 115)),
                (39, 599), weight=8,
            ),
        ),
    ),
    TopCategory(
        "MOM", "母婴", "Mother & Baby",
        (("贝亲宝", "Beiqinbao"), ("小羊羔", "Xiaoyanggao"), ("爱婴坊", "Aiyingfang"),
         ("童趣", "Tongqu"), ("暖阳", "Nuanyang"), ("乐芽", "Leya"), ("宝优", "Baoyou"),
         ("星贝", "Xingbei")),
        (
            SubCategory(
                "MOM-FOOD", "奶粉辅食", "Formula & Baby Food",
                (("婴儿配方奶粉", "Infant Formula"), ("营养米粉", "Baby Rice Cereal"),
                 ("果泥", "Fruit Puree"), ("磨牙饼干", "Teething Biscuits")),
                (("1段", "Stage 1"), ("2段", "Stage 2"), ("3段", "Stage 3")),
                (("400g", "400g", 60), ("800g", "800g", 100), ("900g", "900g", 110)),
                (29, 359), weight=8, tax_rate_bp=1300,
            ),
            SubCategory(
                "MOM-DIAP", "纸尿裤湿巾", "Diapers & Wipes",
                (("纸尿裤", "Diapers"), ("拉拉裤", "Pull-up Pants"), ("婴儿湿巾", "Baby Wipes")),
                (("超薄透气", "Ultra-thin"), ("夜用", "Overnight"), ("敏感肌", "Sensitive")),
                (("NB", "NB", 90), ("S", "S", 95), ("M", "M", 100), ("L", "L", 105),
                 ("XL", "XL", 110)),
                (29, 199), weight=6,
            ),
            SubCategory(
                "MOM-CARE", "喂养洗护", "Feeding & Baby Care",
                (("玻璃奶瓶", "Glass Feeding Bottle"), ("婴儿洗发沐浴露", "Baby Shampoo & Wash"),
                 ("护臀膏", "Diaper Cream"), ("儿童牙刷", "Kids Toothbrush"), ("吸管杯", "Sippy Cup")),
                (("宽口径", "Wide-neck"), ("防胀气", "Anti-colic"), ("温和无泪", "Tear-free")),
                (("小号", "Small", 80), ("标准装", "Standard", 100), ("大号", "Large", 130)),
                (15, 169), weight=6,
            ),
        ),
    ),
    TopCategory(
        "HOM", "家居", "Home",
        (("居然好", "Juranhao"), ("木遇", "Muyu"), ("厨之道", "Chuzhidao"), ("净朗", "Jinglang"),
         ("安眠坊", "Anmianfang"), ("禾家", "Hejia"), ("优居", "Youju"), ("拾光", "Shiguang")),
        (
            SubCategory(
                "HOM-KIT", "厨房用品", "Kitchenware",
                (("不粘炒锅", "Non-stick Wok"), ("保温杯", "Insulated Bottle"), ("菜刀", "Chef Knife"),
                 ("密封保鲜盒", "Food Storage Box"), ("竹砧板", "Bamboo Cutting Board")),
                (("经典款", "Classic"), ("加厚款", "Heavy-duty"), ("轻便款", "Lightweight")),
                (("小号", "Small", 80), ("中号", "Medium", 100), ("大号", "Large", 125)),
                (19, 299), weight=8,
            ),
            SubCategory(
                "HOM-TEX", "家纺", "Home Textiles",
                (("纯棉四件套", "Cotton Bedding Set"), ("乳胶枕", "Latex Pillow"), ("纯棉毛巾", "Cotton Towel"),
                 ("浴巾", "Bath Towel"), ("夏凉被", "Summer Quilt")),
                _COLOURS[:6],
                (("1.5m", "1.5m", 90), ("1.8m", "1.8m", 100), ("2.0m", "2.0m", 115)),
                (29, 599), weight=7,
            ),
            SubCategory(
                "HOM-CLN", "清洁收纳", "Cleaning & Storage",
                (("洗衣液", "Laundry Detergent"), ("洗洁精", "Dish Soap"), ("抽纸", "Facial Tissues"),
                 ("收纳箱", "Storage Box"), ("垃圾袋", "Trash Bags")),
                (("薰衣草香", "Lavender"), ("柠檬香", "Lemon"), ("无香", "Unscented")),
                (("1kg", "1kg", 60), ("2kg", "2kg", 100), ("3kg", "3kg", 140)),
                (9, 89), weight=8,
            ),
        ),
    ),
    TopCategory(
        "APL", "小家电", "Small Appliances",
        (("智米家", "Zhimijia"), ("美厨", "Meichu"), ("九阳光", "Jiuyangguang"), ("飞跃", "Feiyue"),
         ("小熊猫", "Xiaoxiongmao"), ("艾康", "Aikang"), ("博朗德", "Bolangde"), ("拓普", "Tuopu")),
        (
            SubCategory(
                "APL-KIT", "厨房电器", "Kitchen Appliances",
                (("电饭煲", "Rice Cooker"), ("空气炸锅", "Air Fryer"), ("电热水壶", "Electric Kettle"),
                 ("豆浆机", "Soymilk Maker"), ("破壁料理机", "High-speed Blender")),
                (("白色", "White"), ("黑色", "Black"), ("智能款", "Smart")),
                (("1.5L", "1.5L", 80), ("3L", "3L", 100), ("4L", "4L", 115), ("5L", "5L", 130)),
                (99, 899), weight=6,
            ),
            SubCategory(
                "APL-PER", "个护电器", "Personal Care Appliances",
                (("电吹风", "Hair Dryer"), ("电动牙刷", "Electric Toothbrush"), ("剃须刀", "Electric Shaver"),
                 ("卷发棒", "Curling Iron")),
                (("白色", "White"), ("黑色", "Black"), ("玫瑰金", "Rose Gold")),
                (("标准版", "Standard", 100), ("旗舰版", "Premium", 160)),
                (69, 599), weight=5,
            ),
            SubCategory(
                "APL-HOM", "生活电器", "Home Appliances",
                (("加湿器", "Humidifier"), ("电风扇", "Electric Fan"), ("无线吸尘器", "Cordless Vacuum"),
                 ("电暖器", "Space Heater"), ("挂烫机", "Garment Steamer")),
                (("白色", "White"), ("灰色", "Grey"), ("智能款", "Smart")),
                (("标准版", "Standard", 100), ("增强版", "Plus", 130), ("旗舰版", "Premium", 170)),
                (99, 1299), weight=5,
            ),
        ),
    ),
    TopCategory(
        "GRO", "食品", "Groceries",
        (("田园", "Tianyuan"), ("金穗", "Jinsui"), ("好味来", "Haoweilai"), ("山野", "Shanye"),
         ("鲜丰", "Xianfeng"), ("味之源", "Weizhiyuan"), ("乡情", "Xiangqing"), ("福满", "Fuman")),
        (
            SubCategory(
                "GRO-SNK", "休闲零食", "Snacks",
                (("每日坚果", "Daily Mixed Nuts"), ("薯片", "Potato Chips"), ("牛肉干", "Beef Jerky"),
                 ("黑巧克力", "Dark Chocolate"), ("苏打饼干", "Soda Crackers")),
                (("原味", "Original"), ("番茄味", "Tomato"), ("香辣味", "Spicy"), ("海盐味", "Sea Salt")),
                (("70g", "70g", 50), ("150g", "150g", 100), ("500g", "500g", 280)),
                (5, 39), weight=10,
            ),
            SubCategory(
                "GRO-DRK", "饮料冲调", "Beverages",
                (("矿泉水", "Mineral Water"), ("茉莉绿茶", "Jasmine Green Tea"), ("挂耳咖啡", "Drip Coffee"),
                 ("纯牛奶", "Whole Milk"), ("橙汁", "Orange Juice")),
                (("低糖", "Low Sugar"), ("经典", "Classic"), ("无糖", "Sugar-free")),
                (("500ml", "500ml", 40), ("1L", "1L", 100), ("12瓶装", "12-pack", 450)),
                (3, 29), weight=10,
            ),
            SubCategory(
                "GRO-GRN", "粮油调味", "Grains, Oils & Seasoning",
                (("东北大米", "Northeast Rice"), ("压榨花生油", "Pressed Peanut Oil"), ("挂面", "Dried Noodles"),
                 ("生抽酱油", "Light Soy Sauce"), ("五谷杂粮", "Mixed Grains")),
                (("优选", "Choice"), ("有机", "Organic"), ("特级", "Premium Grade")),
                (("500g", "500g", 40), ("2.5kg", "2.5kg", 100), ("5kg", "5kg", 180)),
                (9, 89), weight=8, tax_rate_bp=900,
            ),
            SubCategory(
                "GRO-FRS", "生鲜称重", "Fresh (by weight)",
                (("红富士苹果", "Fuji Apples"), ("香蕉", "Bananas"), ("西红柿", "Tomatoes"),
                 ("土豆", "Potatoes"), ("五花肉", "Pork Belly"), ("鸡胸肉", "Chicken Breast"),
                 ("车厘子", "Cherries"), ("西兰花", "Broccoli"), ("散装大米", "Loose Rice")),
                (("精选", "Select"), ("有机", "Organic"), ("本地", "Local")),
                (("散装", "Loose", 100),),
                (4, 98), weight=0, tax_rate_bp=900, weighed=True,
            ),
        ),
    ),
)

#: Origins stand in for brands on fresh produce ("烟台 红富士苹果 精选").
ORIGINS: tuple[Pair, ...] = (
    ("烟台", "Yantai"), ("山东", "Shandong"), ("云南", "Yunnan"), ("新疆", "Xinjiang"),
    ("海南", "Hainan"), ("东北", "Dongbei"), ("本地", "Local Farm"), ("崇明", "Chongming"),
)
