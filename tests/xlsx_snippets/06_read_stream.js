const xlsx = require("xlsx");

async function readExcelStream(buffer) {
  const allRows = [];
  let totalProcessed = 0;
  
  // 流式读取，批量处理（默认每批 100 行）
  const result = xlsx.readStream(buffer, "Sheet1", (rows, startIndex) => {
    // rows 是一个数组，包含多行数据
    totalProcessed += rows.length;
    
    // 处理这一批数据
    rows.forEach(row => {
      allRows.push(row);
    });
    
    console.log(`已处理 ${totalProcessed} 行数据`);
  });
  
  return {
    success: result.success,
    totalRows: result.rowsProcessed,
    batchSize: result.batchSize,
    sample: allRows.slice(0, 3)  // 返回前 3 行作为示例
  };
}
return readExcelStream(input.buffer);
