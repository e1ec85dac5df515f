const xlsx = require("xlsx");

async function readExcelLargeBatch(buffer) {
  let totalRows = 0;
  const summary = [];
  
  // 自定义批次大小为 500 行
  const result = xlsx.readStream(buffer, "Sheet1", (rows, startIndex) => {
    totalRows += rows.length;
    
    // 统计每批数据
    summary.push({
      batchIndex: Math.floor(startIndex / 500),
      startRow: startIndex,
      rowCount: rows.length
    });
  }, { batchSize: 500 });
  
  return {
    success: true,
    totalRows: totalRows,
    batchSize: 500,
    batches: summary.length,
    batchSummary: summary
  };
}
return readExcelLargeBatch(input.buffer);
