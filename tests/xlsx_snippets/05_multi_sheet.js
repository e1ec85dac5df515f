const xlsx = require("xlsx");

function createMultiSheetExcel() {
  let workbook;
  try {
    workbook = xlsx.utils.book_new();
    
    // Sheet 1: 员工信息
    const employees = [
      { 姓名: "张三", 部门: "技术部", 薪资: 10000 },
      { 姓名: "李四", 部门: "市场部", 薪资: 8000 }
    ];
    const sheet1 = xlsx.utils.json_to_sheet(employees);
    xlsx.utils.book_append_sheet(workbook, sheet1, "员工信息");
    
    // Sheet 2: 部门统计
    const departments = [
      { 部门: "技术部", 人数: 50, 平均薪资: 12000 },
      { 部门: "市场部", 人数: 30, 平均薪资: 9000 }
    ];
    const sheet2 = xlsx.utils.json_to_sheet(departments);
    xlsx.utils.book_append_sheet(workbook, sheet2, "部门统计");
    
    // 写入 Buffer
    const buffer = xlsx.write(workbook, { type: "buffer", bookType: "xlsx" });
    
    return {
      success: true,
      sheets: workbook.SheetNames,
      size: buffer.length
    };
  } finally {
    if (workbook) {
      workbook.close();
    }
  }
}
return createMultiSheetExcel();
