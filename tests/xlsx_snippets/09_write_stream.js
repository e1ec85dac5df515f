const xlsx = require("xlsx");

function writeExcelStream() {
  // 创建流式写入器
  const stream = xlsx.createWriteStream();
  
  // 添加 sheet
  stream.addSheet("大量数据");
  
  // 写入 header
  stream.writeRow(["编号", "姓名", "分数", "等级"]);
  
  // 逐行写入数据（模拟大量数据）
  for (let i = 1; i <= 10000; i++) {
    stream.writeRow([
      i,
      `学生${i}`,
      Math.floor(Math.random() * 100),
      i % 3 === 0 ? "A" : "B"
    ]);
  }
  
  // 完成写入，获取 Buffer
  const buffer = stream.finalize();
  
  return {
    success: true,
    message: "流式写入完成",
    rowsWritten: 10000,
    size: buffer.length
  };
}
return writeExcelStream();
