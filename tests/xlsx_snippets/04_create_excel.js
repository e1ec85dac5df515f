const xlsx = require("xlsx");

function createExcel() {
  let workbook;
  try {
    // 创建新 workbook
    workbook = xlsx.utils.book_new();
    
    // 准备数据
    const data = [
      { 姓名: "张三", 年龄: 25, 城市: "北京" },
      { 姓名: "李四", 年龄: 30, 城市: "上海" },
      { 姓名: "王五", 年龄: 28, 城市: "深圳" }
    ];
    
    // 将 JSON 转换为 sheet
    const sheet = xlsx.utils.json_to_sheet(data);
    
    // 添加 sheet 到 workbook
    xlsx.utils.book_append_sheet(workbook, sheet, "员工信息");
    
    // ⭐ 写入 Buffer（内存中的二进制数据）
    const buffer = xlsx.write(workbook, { type: "buffer", bookType: "xlsx" });
    
    // ⭐ Buffer 可以：
    // 1. 转换为 Base64 返回给前端
    // 2. 通过 API 上传到 OSS/云存储
    // 3. 通过 HTTP 响应返回（如果支持）
    
    return {
      success: true,
      message: "Excel 文件创建成功",
      size: buffer.length,
      // 选项 1: 返回 Base64（前端可以下载）
      base64: buffer.toString('base64')
    };
  } finally {
    if (workbook) {
      workbook.close();
    }
  }
}
return createExcel();
