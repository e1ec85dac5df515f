const xlsx = require("xlsx");

async function readExcelBatches(buffer) {
  const batches = [];
  
  const result = xlsx.readBatches(buffer, "Sheet1", { batchSize: 1000 }, (batch, batchIndex) => {
    // 处理每一批数据
    batches.push({
      index: batchIndex,
      rowCount: batch.length,
      firstRow: batch[0],
      lastRow: batch[batch.length - 1]
    });
  });
  
  return {
    success: result.success,
    totalRows: result.totalRows,
    totalBatches: result.totalBatches,
    batchInfo: batches
  };
}
return readExcelBatches(input.buffer);
