const xlsx = require("xlsx");

// 假设外部通过 input.buffer 传入 Buffer
// input.buffer 可能是：
// - Base64 编码的字符串
// - Buffer 对象
// - ArrayBuffer

async function readExcelFromInput() {
  let buffer;
  
  // 判断 input.buffer 的类型并转换
  if (typeof input.buffer === 'string') {
    // 如果是 Base64 字符串
    buffer = Buffer.from(input.buffer, 'base64');
  } else if (input.buffer instanceof ArrayBuffer) {
    // 如果是 ArrayBuffer
    buffer = Buffer.from(input.buffer);
  } else {
    // 如果已经是 Buffer
    buffer = input.buffer;
  }
  
  let workbook;
  try {
    workbook = xlsx.read(buffer);
    const sheet = workbook.Sheets[workbook.SheetNames[0]];
    const data = xlsx.utils.sheet_to_json(sheet);
    
    return {
      success: true,
      rowCount: data.length,
      sample: data.slice(0, 3)
    };
  } finally {
    if (workbook) workbook.close();
  }
}
return readExcelFromInput();
