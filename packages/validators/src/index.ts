export {
  calendarDate,
  idCheckChar,
  orgCodeCheckChar,
  USCC_ALPHABET,
  usccCheckChar,
  validateIdNumber,
  validateMobile,
  validateUscc,
  type Gender,
  type IdNumberCheck,
  type IdNumberProblem,
  type UsccCheck,
  type UsccProblem,
} from './identifiers.js';
export {
  validateDivisionCode,
  type DivisionCodeCheck,
  type DivisionCodeProblem,
  type DivisionKind,
  type DivisionLevel,
} from './division-codes.js';
export { formatFilterExpression, joinFilterList, parseFilterExpression, splitFilterList, type FilterExpression } from './filter-syntax.js';
