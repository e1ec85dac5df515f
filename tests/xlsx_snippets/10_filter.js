const xlsx = require("xlsx");

async function filterExcelData(buffer) {
  let workbook;
  let newWorkbook;
  
  try {
    workbook = xlsx.read(buffer);
    
    const sheet = workbook.Sheets[workbook.SheetNames[0]];
    const data = xlsx.utils.sheet_to_json(sheet);
    
    // 数据过滤和处理
    const filtered = data
      .filter(row => row.年龄 >= 25 && row.年龄 <= 35)
      .map(row => ({
        姓名: row.姓名,
        年龄: row.年龄,
        分类: row.年龄 < 30 ? "青年" : "中年"
      }));
    
    // 创建新 workbook
    newWorkbook = xlsx.utils.book_new();
    const newSheet = xlsx.utils.json_to_sheet(filtered);
    xlsx.utils.book_append_sheet(newWorkbook, newSheet, "筛选结果");
    
    // 写入 Buffer
    const outputBuffer = xlsx.write(newWorkbook, { type: "buffer" });
    
    return {
      success: true,
      originalCount: data.length,
      filteredCount: filtered.length,
      sample: filtered.slice(0, 3)
    };
  } finally {
    if (workbook) {
      workbook.close();
    }
    if (newWorkbook) {
      newWorkbook.close();
    }
  }
}
return filterExcelData(input.buffer);
