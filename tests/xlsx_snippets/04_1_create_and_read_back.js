const xlsx = require("xlsx");

function createAndReadBack() {
  let workbook;
  let newWorkbook;
  
  try {
    // 创建 Excel
    workbook = xlsx.utils.book_new();
    
    const data = [
      { 姓名: "张三", 年龄: 25 },
      { 姓名: "李四", 年龄: 30 }
    ];
    
    const sheet = xlsx.utils.json_to_sheet(data);
    xlsx.utils.book_append_sheet(workbook, sheet, "测试数据");
    
    // 写入 Buffer
    const buffer = xlsx.write(workbook, { type: "buffer", bookType: "xlsx" });
    
    // 立即读取回来验证
    newWorkbook = xlsx.read(buffer);
    const readSheet = newWorkbook.Sheets[newWorkbook.SheetNames[0]];
    const readData = xlsx.utils.sheet_to_json(readSheet);
    
    return {
      success: true,
      message: "创建并读取成功",
      originalData: data,
      readBackData: readData,
      matched: JSON.stringify(data) === JSON.stringify(readData)
    };
  } finally {
    if (workbook) workbook.close();
    if (newWorkbook) newWorkbook.close();
  }
}
return createAndReadBack();
