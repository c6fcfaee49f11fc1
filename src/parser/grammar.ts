import { CstParser, EOF, type IParserErrorMessageProvider, type TokenType } from 'chevrotain';
import * as T from '../lexer/tokens.js';

/**
 * The grammar of `.nn` as a pure Chevrotain CST parser: no actions, no meaning. `buildAst`
 * turns its CST into the AST; the formatter and the language server read the CST and tokens.
 * `grammar/nn.ebnf` is the same grammar written by hand; keep the two in step.
 *
 * Errors are reported as small JSON records (see {@link ParserErrorDetail}) so that
 * `errors.ts` can turn them into coded diagnostics from the message table.
 */

/** What the error message provider records about a syntax error. */
export type ParserErrorDetail =
  | { readonly kind: 'mismatch'; readonly expected: string; readonly rule: string }
  | { readonly kind: 'noViableAlt'; readonly rule: string }
  | { readonly kind: 'earlyExit'; readonly rule: string }
  | { readonly kind: 'notAllInput'; readonly rule: string };

const errorProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    JSON.stringify({ kind: 'mismatch', expected: expected.name, rule: ruleName } satisfies ParserErrorDetail),
  buildNotAllInputParsedMessage: ({ ruleName }) =>
    JSON.stringify({ kind: 'notAllInput', rule: ruleName } satisfies ParserErrorDetail),
  buildNoViableAltMessage: ({ ruleName }) =>
    JSON.stringify({ kind: 'noViableAlt', rule: ruleName } satisfies ParserErrorDetail),
  buildEarlyExitMessage: ({ ruleName }) =>
    JSON.stringify({ kind: 'earlyExit', rule: ruleName } satisfies ParserErrorDetail),
};

/** The `.nn` parser. One instance may be reused: setting `input` resets all of its state. */
export class NnParser extends CstParser {
  constructor() {
    super(T.allTokens as TokenType[], {
      recoveryEnabled: true,
      nodeLocationTracking: 'none',
      maxLookahead: 2,
      errorMessageProvider: errorProvider,
    });
    this.performSelfAnalysis();
  }

  readonly program = this.RULE('program', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.SUBRULE(this.letDecl) },
        { ALT: () => this.SUBRULE(this.modelDecl) },
        { ALT: () => this.SUBRULE(this.trainDecl) },
      ]);
    });
  });

  /** `let NAME = expr` */
  readonly letDecl = this.RULE('letDecl', () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  /** `model NAME { stmt* }` */
  readonly modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.block);
  });

  /** `{ stmt* }`: the body of a model, `repeat` or `residual`. */
  readonly block = this.RULE('block', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.modelStmt));
    this.CONSUME(T.RCurly);
  });

  readonly modelStmt = this.RULE('modelStmt', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.inputStmt) },
      { ALT: () => this.SUBRULE(this.repeatStmt) },
      { ALT: () => this.SUBRULE(this.residualStmt) },
      { ALT: () => this.SUBRULE(this.layerStmt) },
    ]);
  });

  /** `input SHAPE` */
  readonly inputStmt = this.RULE('inputStmt', () => {
    this.CONSUME(T.Input);
    this.SUBRULE(this.expression);
  });

  /** `repeat COUNT { stmt* }` */
  readonly repeatStmt = this.RULE('repeatStmt', () => {
    this.CONSUME(T.Repeat);
    this.SUBRULE(this.expression);
    this.SUBRULE(this.block);
  });

  /** `residual { stmt* }` */
  readonly residualStmt = this.RULE('residualStmt', () => {
    this.CONSUME(T.Residual);
    this.SUBRULE(this.block);
  });

  /** `[label :] name [( args )]` */
  readonly layerStmt = this.RULE('layerStmt', () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: 'label' });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.nameOrCall);
  });

  /** `train MODEL { (key: value [,])* }` */
  readonly trainDecl = this.RULE('trainDecl', () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.trainEntry));
    this.CONSUME(T.RCurly);
  });

  readonly trainEntry = this.RULE('trainEntry', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
    this.OPTION(() => this.CONSUME(T.Comma));
  });

  /**
   * `operand (op operand)*`, flat: `buildAst` applies precedence (`* / %` over `+ -`, all left
   * associative). A flat rule keeps the CST two levels shallower per value, which matters for speed.
   */
  readonly expression = this.RULE('expression', () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(T.BinaryOperator, { LABEL: 'op' });
      this.SUBRULE2(this.operand);
    });
  });

  /** `sign* primary`. Signs are a loop, not recursion, so `- - - x` costs no stack. */
  readonly operand = this.RULE('operand', () => {
    this.MANY(() => this.CONSUME(T.AdditiveOperator, { LABEL: 'sign' }));
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.paren) },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
    ]);
  });

  /** `[a, b, c]`, trailing comma allowed. */
  readonly list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  readonly paren = this.RULE('paren', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  /** `name` or `name(args)`; trailing comma allowed. */
  readonly nameOrCall = this.RULE('nameOrCall', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => {
        this.SUBRULE(this.argument);
        this.MANY(() => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.argument);
        });
        this.OPTION3(() => this.CONSUME2(T.Comma));
      });
      this.CONSUME(T.RParen);
    });
  });

  /** `value` or `key: value` */
  readonly argument = this.RULE('argument', () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier, { LABEL: 'key' });
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.expression);
  });
}

export { EOF };
