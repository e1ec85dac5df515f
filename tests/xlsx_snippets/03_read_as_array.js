const xlsx = require("xlsx");

function readAsArray(buffer) {
  let workbook;
  try {
    workbook = xlsx.read(buffer);
    
    const sheetName = workbook.SheetNames[0];
    const sheet = workbook.Sheets[sheetName];
    
    // 使用 header: 1 参数，返回数组格式
    const data = xlsx.utils.sheet_to_json(sheet, { header: 1 });
    
    return {
      success: true,
      headers: data[0],  // 第一行作为 header
      rows: data.slice(1)  // 剩余行作为数据
    };
  } finally {
    if (workbook) {
      workbook.close();
    }
  }
}
return readAsArray(input.buffer);
