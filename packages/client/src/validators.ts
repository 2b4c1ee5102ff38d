/**
 * The checks the platform applies to identifiers on input — resident ID numbers (GB 11643), unified
 * social credit codes (GB 32100), mobile numbers and division codes — so that a vendor's form refuses
 * what the server would refuse, before sending it. `@citybrain/client/validators`, browser and Node.
 */
export {
  validateDivisionCode,
  validateIdNumber,
  validateMobile,
  validateUscc,
  type DivisionCodeCheck,
  type DivisionCodeProblem,
  type DivisionKind,
  type DivisionLevel,
  type IdNumberCheck,
  type IdNumberProblem,
  type UsccCheck,
  type UsccProblem,
} from '@citybrain/validators';
