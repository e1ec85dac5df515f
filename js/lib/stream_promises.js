'use strict';
// require('stream/promises'): the same object as require('stream').promises, as in Node.

const stream = require('stream');

export default stream.promises;
