const xlsx = require("xlsx");

async function safeReadExcel(buffer) {
  let workbook;
  
  try {
    // 读取 Excel
    workbook = xlsx.read(buffer);
    
    // 检查是否有数据
    if (workbook.SheetNames.length === 0) {
      throw new Error("Excel 文件中没有工作表");
    }
    
    const sheetName = workbook.SheetNames[0];
    const sheet = workbook.Sheets[sheetName];
    const data = xlsx.utils.sheet_to_json(sheet);
    
    // 数据验证
    if (data.length === 0) {
      throw new Error("工作表中没有数据");
    }
    
    return {
      success: true,
      sheetName: sheetName,
      rowCount: data.length,
      columns: Object.keys(data[0]),
      sample: data[0]
    };
    
  } catch (error) {
    // 错误处理
    return {
      success: false,
      error: error.message,
      errorType: error.name
    };
    
  } finally {
    // ⭐ 确保资源被释放（无论成功还是失败）
    if (workbook) {
      workbook.close();
    }
  }
}
return safeReadExcel(input.buffer);
