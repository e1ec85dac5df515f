'use strict';
// Which execution is current. Work that outlives an execution (timers, waits,
// finalizers, async compilations) captures the serial of the execution that
// created it and runs only while that execution is still live.

const state = { serial: 0, settled: true, heapUsed: 0, heapTotal: 0 };

function beginExecution() {
  state.serial++;
  state.settled = false;
  return state.serial;
}

function endExecution() {
  const wasLive = !state.settled;
  state.settled = true;
  return wasLive;
}

function currentSerial() { return state.serial; }

function isLive(serial = state.serial) { return !state.settled && serial === state.serial; }

// The host's last reading of this runtime's V8 heap (JS cannot read it itself).
function setHeapFigures(used, total) { state.heapUsed = used; state.heapTotal = total; }
function heapFigures() { return { heapUsed: state.heapUsed, heapTotal: state.heapTotal }; }

export { beginExecution, endExecution, currentSerial, isLive, setHeapFigures, heapFigures };
