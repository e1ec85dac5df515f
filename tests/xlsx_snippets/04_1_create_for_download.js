const xlsx = require("xlsx");

function createExcelForDownload() {
  let workbook;
  try {
    workbook = xlsx.utils.book_new();
    
    const data = [
      { 姓名: "张三", 年龄: 25, 城市: "北京" },
      { 姓名: "李四", 年龄: 30, 城市: "上海" }
    ];
    
    const sheet = xlsx.utils.json_to_sheet(data);
    xlsx.utils.book_append_sheet(workbook, sheet, "员工信息");
    
    const buffer = xlsx.write(workbook, { type: "buffer", bookType: "xlsx" });
    
    // 转换为 Base64，前端可以直接下载
    return {
      success: true,
      fileName: "员工信息.xlsx",
      mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      base64: buffer.toString('base64'),
      size: buffer.length
    };
  } finally {
    if (workbook) workbook.close();
  }
}
return createExcelForDownload();
