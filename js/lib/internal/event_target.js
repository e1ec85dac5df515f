'use strict';
// DOMException, Event, EventTarget, AbortController and AbortSignal: the web
// classes Node exposes as globals (lib/internal/event_target.js, abort_controller.js).

import { codes, plain } from './errors.js';
import {
  Error_, MapPrototypeGet, MapPrototypeSet, NumberIsInteger, ObjectDefineProperty, ObjectEntries, SafeMap, SymbolIterator,
  SymbolToStringTag, Symbol_,
} from './primordials.js';
import { setTimeout as setTimer } from './timers.js';

const { ERR_ILLEGAL_CONSTRUCTOR, ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE } = codes;

const CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12,
  InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15, TypeMismatchError: 17,
  SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22,
  TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};

class DOMException extends Error_ {
  #name; #code;
  constructor(message = '', options = 'Error') {
    super(`${message}`);
    if (options !== null && typeof options === 'object') {
      this.#name = 'name' in options ? `${options.name}` : 'Error';
      if ('cause' in options) ObjectDefineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
    } else this.#name = `${options}`;
    this.#code = CODES[this.#name] ?? 0;
  }
  get name() { return this.#name; }
  get code() { return this.#code; }
}
ObjectDefineProperty(DOMException.prototype, SymbolToStringTag, { value: 'DOMException', configurable: true });
for (const [name, code] of ObjectEntries(CODES)) {
  const constant = name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() + '_ERR';
  ObjectDefineProperty(DOMException, constant, { value: code, enumerable: true });
}

const kStop = Symbol_('kStop');

class Event {
  #type; #cancelable; #bubbles; #composed; #defaultPrevented = false; #timeStamp;
  #target = null; #currentTarget = null;
  constructor(type, options = undefined) {
    if (arguments.length === 0) throw new ERR_INVALID_ARG_TYPE('type', ['string'], undefined);
    this.#type = `${type}`;
    this.#cancelable = Boolean(options?.cancelable);
    this.#bubbles = Boolean(options?.bubbles);
    this.#composed = Boolean(options?.composed);
    this.#timeStamp = performance.now();
    this[kStop] = false;
  }
  get type() { return this.#type; }
  get target() { return this.#target; }
  get currentTarget() { return this.#currentTarget; }
  get srcElement() { return this.#target; }
  get cancelable() { return this.#cancelable; }
  get bubbles() { return this.#bubbles; }
  get composed() { return this.#composed; }
  get defaultPrevented() { return this.#cancelable && this.#defaultPrevented; }
  get returnValue() { return !this.defaultPrevented; }
  get timeStamp() { return this.#timeStamp; }
  get isTrusted() { return false; }
  get eventPhase() { return this.#currentTarget ? 2 : 0; }
  preventDefault() { this.#defaultPrevented = true; }
  stopPropagation() {}
  stopImmediatePropagation() { this[kStop] = true; }
  composedPath() { return this.#currentTarget ? [this.#currentTarget] : []; }
  static dispatching(event, target) { event.#target = target; event.#currentTarget = target; }
  static done(event) { event.#currentTarget = null; }
}
ObjectDefineProperty(Event.prototype, SymbolToStringTag, { value: 'Event', configurable: true });
const { dispatching, done } = Event;
delete Event.dispatching;
delete Event.done;

class EventTarget {
  #listeners = new SafeMap(); // type -> [{ listener, once, capture }]
  addEventListener(type, listener, options = undefined) {
    if (listener === null || listener === undefined) return;
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const once = Boolean(options?.once);
    const signal = options?.signal;
    if (signal?.aborted) return;
    const list = MapPrototypeGet(this.#listeners, `${type}`) ?? [];
    if (list.some((l) => l.listener === listener && l.capture === capture)) return;
    const entry = { listener, once, capture };
    list.push(entry);
    MapPrototypeSet(this.#listeners, `${type}`, list);
    signal?.addEventListener('abort', () => this.removeEventListener(type, listener, options), { once: true });
  }
  removeEventListener(type, listener, options = undefined) {
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const list = MapPrototypeGet(this.#listeners, `${type}`);
    if (!list) return;
    const i = list.findIndex((l) => l.listener === listener && l.capture === capture);
    if (i >= 0) list.splice(i, 1);
  }
  dispatchEvent(event) {
    if (!(event instanceof Event)) throw new ERR_INVALID_ARG_TYPE('event', ['Event'], event);
    dispatching(event, this);

    const list = [...(MapPrototypeGet(this.#listeners, event.type) ?? [])];
    for (const entry of list) {
      if (entry.once) this.removeEventListener(event.type, entry.listener, entry);
      const { listener } = entry;
      if (typeof listener === 'function') listener.call(this, event);
      else if (listener && typeof listener.handleEvent === 'function') listener.handleEvent(event);
      if (event[kStop]) break;
    }
    done(event);
    return !event.defaultPrevented;
  }
}
ObjectDefineProperty(EventTarget.prototype, SymbolToStringTag, { value: 'EventTarget', configurable: true });

const kCreate = Symbol_('kCreate');

class AbortSignal extends EventTarget {
  #aborted = false; #reason = undefined; #onabort = null;
  constructor(key) {
    if (key !== kCreate) throw new ERR_ILLEGAL_CONSTRUCTOR();
    super();
  }
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  get onabort() { return this.#onabort; }
  set onabort(handler) {
    if (this.#onabort) this.removeEventListener('abort', this.#onabort);
    this.#onabort = typeof handler === 'function' ? handler : null;
    if (this.#onabort) this.addEventListener('abort', this.#onabort);
  }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  static abort(reason = new DOMException('This operation was aborted', 'AbortError')) {
    const signal = new AbortSignal(kCreate);
    signal.#aborted = true;
    signal.#reason = reason;
    return signal;
  }
  static timeout(delay) {
    if (typeof delay !== 'number') throw new ERR_INVALID_ARG_TYPE('delay', ['number'], delay);
    if (!NumberIsInteger(delay)) throw new ERR_OUT_OF_RANGE('delay', 'an integer', delay);
    if (!(delay >= 0 && delay <= 4294967295)) throw new ERR_OUT_OF_RANGE('delay', '>= 0 && <= 4294967295', delay);
    const signal = new AbortSignal(kCreate);
    setTimer(() => abortSignal(signal, new DOMException('The operation was aborted due to timeout', 'TimeoutError')), delay);
    return signal;
  }
  static any(signals) {
    // WebIDL sequence<AbortSignal>, with Node 24's wording.
    if (signals === null || typeof signals !== 'object' || typeof signals[SymbolIterator] !== 'function') {
      throw new plain.ERR_INVALID_ARG_TYPE('signals cannot be converted to sequence.');
    }
    const list = [...signals];
    for (let i = 0; i < list.length; i++) {
      if (!(list[i] instanceof AbortSignal)) {
        throw new plain.ERR_INVALID_ARG_TYPE(`signals[${i}] is not of type AbortSignal.`);
      }
    }
    const signal = new AbortSignal(kCreate);
    for (const s of list) {
      if (s.aborted) { abortSignal(signal, s.reason); return signal; }
      s.addEventListener('abort', () => abortSignal(signal, s.reason), { once: true });
    }
    return signal;
  }
  static _abort(signal, reason) {
    if (signal.#aborted) return;
    signal.#aborted = true;
    signal.#reason = reason;
    signal.dispatchEvent(new Event('abort'));
  }
}
ObjectDefineProperty(AbortSignal.prototype, SymbolToStringTag, { value: 'AbortSignal', configurable: true });
const abortSignal = AbortSignal._abort;
delete AbortSignal._abort;

class AbortController {
  #signal = new AbortSignal(kCreate);
  get signal() { return this.#signal; }
  abort(reason = new DOMException('This operation was aborted', 'AbortError')) { abortSignal(this.#signal, reason); }
}
ObjectDefineProperty(AbortController.prototype, SymbolToStringTag, { value: 'AbortController', configurable: true });

export { DOMException, Event, EventTarget, AbortController, AbortSignal };
