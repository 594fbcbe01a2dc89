//! The syntax tree of an NMODL file: what the parser reads, before any name is resolved.
//!
//! Only the subset hnn supports has nodes here; everything else is refused by the parser
//! with its position. Every node that an error may point at carries a [`Span`].

/// A position in the source: byte offset, 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first character.
    pub offset: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, counted in characters.
    pub col: usize,
}

/// A name with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// A whole `.mod` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// `TITLE` text, if any.
    pub title: Option<String>,
    /// The `NEURON { }` block (a file without one is refused by the parser).
    pub neuron: NeuronBlock,
    /// `UNITS { }` named constants such as `FARADAY = (faraday) (coulomb)` (unit aliases
    /// such as `(mA) = (milliamp)` are read and dropped).
    pub unit_constants: Vec<UnitConstant>,
    /// `PARAMETER { }` entries in order.
    pub parameters: Vec<VarDecl>,
    /// `STATE { }` entries in order.
    pub states: Vec<VarDecl>,
    /// `ASSIGNED { }` entries in order.
    pub assigned: Vec<VarDecl>,
    /// `INITIAL { }`.
    pub initial: Option<Block>,
    /// `BREAKPOINT { }`.
    pub breakpoint: Option<Block>,
    /// `DERIVATIVE name { }` blocks.
    pub derivatives: Vec<Derivative>,
    /// `PROCEDURE name(args) { }` blocks.
    pub procedures: Vec<Callable>,
    /// `FUNCTION name(args) { }` blocks.
    pub functions: Vec<Callable>,
    /// `NET_RECEIVE(args) { }`.
    pub net_receive: Option<NetReceive>,
    /// File-level `LOCAL a, b` (NEURON makes them per-thread globals).
    pub locals: Vec<Ident>,
}

/// The `NEURON { }` block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NeuronBlock {
    /// `SUFFIX name` or `POINT_PROCESS name`.
    pub name: Option<Ident>,
    /// Whether it is a `POINT_PROCESS` (else a density mechanism, `SUFFIX`).
    pub point_process: bool,
    /// `USEION` statements in order.
    pub ions: Vec<UseIon>,
    /// `NONSPECIFIC_CURRENT` names.
    pub nonspecific: Vec<Ident>,
    /// `ELECTRODE_CURRENT` names.
    pub electrode: Vec<Ident>,
    /// `RANGE` names.
    pub range: Vec<Ident>,
    /// `GLOBAL` names.
    pub global: Vec<Ident>,
    /// Whether `THREADSAFE` was given.
    pub threadsafe: bool,
    /// Where the block starts.
    pub span: Span,
}

/// `USEION ion READ a, b WRITE c VALENCE z`.
#[derive(Debug, Clone, PartialEq)]
pub struct UseIon {
    /// Ion name (`na`, `k`, `ca`, ...).
    pub ion: Ident,
    /// Names read (`ena`, `cai`, ...).
    pub read: Vec<Ident>,
    /// Names written (`ina`, `cai`, ...).
    pub write: Vec<Ident>,
    /// `VALENCE`, when given.
    pub valence: Option<f64>,
}

/// `NAME = (unit) (unit)` in `UNITS`: a physical constant (`faraday`, `k-mole`, `pi`, ...)
/// expressed in a unit. The value is decided when names are resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitConstant {
    /// The constant's name in the file (`FARADAY`).
    pub name: Ident,
    /// The first parenthesis (`faraday`).
    pub quantity: String,
    /// The second parenthesis (`coulomb`), empty when absent.
    pub unit: String,
}

/// One declared variable of `PARAMETER`, `STATE` or `ASSIGNED`.
#[derive(Debug, Clone, PartialEq)]
pub struct VarDecl {
    /// Its name.
    pub name: Ident,
    /// `= value` (PARAMETER defaults), if given.
    pub default: Option<f64>,
    /// `(unit)` as written, empty when absent.
    pub unit: String,
    /// `<lo, hi>` limits, if given.
    pub limits: Option<(f64, f64)>,
    /// `[n]` array size: arrays are refused by the parser, so always `None` today.
    pub array: Option<usize>,
}

/// A `{ ... }` of statements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// `LOCAL` names declared at the top of the block.
    pub locals: Vec<Ident>,
    /// The statements in order.
    pub stmts: Vec<Stmt>,
    /// Where the block starts (its `{`).
    pub span: Span,
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `name = expr`.
    Assign {
        /// The assigned variable.
        target: Ident,
        /// The value.
        value: Expr,
    },
    /// `name' = expr` (inside a `DERIVATIVE` block).
    Derivative {
        /// The state.
        state: Ident,
        /// The right-hand side.
        value: Expr,
    },
    /// `if (cond) { } else if (cond) { } else { }` (an `else if` is an `If` in `otherwise`).
    If {
        /// The condition.
        cond: Expr,
        /// Statements when true.
        then: Block,
        /// Statements when false (empty when absent).
        otherwise: Option<Block>,
    },
    /// A procedure called as a statement: `rates(v)`.
    Call(Call),
    /// `SOLVE name METHOD method` (only in `BREAKPOINT`).
    Solve {
        /// The `DERIVATIVE` block to integrate.
        block: Ident,
        /// `cnexp`, `derivimplicit` or `euler` as written (checked when names are resolved).
        method: Ident,
    },
    /// `TABLE outs DEPEND deps FROM lo TO hi WITH n` (first statement of a PROCEDURE or
    /// FUNCTION).
    Table(Table),
    /// A `{ }` block nested as a statement (its own `LOCAL`s).
    Block(Block),
}

/// `TABLE ... FROM ... TO ... WITH ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Tabulated outputs (empty in a FUNCTION: the function's value is tabulated).
    pub outputs: Vec<Ident>,
    /// `DEPEND` names.
    pub depend: Vec<Ident>,
    /// Lower end of the argument's grid.
    pub from: Expr,
    /// Upper end.
    pub to: Expr,
    /// Number of intervals.
    pub with: usize,
    /// Where the statement starts.
    pub span: Span,
}

/// A function or procedure call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The callee (a PROCEDURE, a FUNCTION or a built-in such as `exp`).
    pub name: Ident,
    /// The arguments.
    pub args: Vec<Expr>,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number literal.
    Num(f64, Span),
    /// A variable.
    Var(Ident),
    /// A call of a FUNCTION or a built-in.
    Call(Call),
    /// `-x` (and `!x` as `Not`).
    Unary(UnaryOp, Box<Expr>, Span),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>, Span),
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `!x`
    Not,
}

/// Binary operators, from `^` (power, right-associative, binding tighter than unary minus
/// as in NEURON: `-x^2` is `-(x^2)`) to `||`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^`
    Pow,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `&&`
    And,
    /// `||`
    Or,
}

/// `DERIVATIVE name { }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivative {
    /// Block name (named by `SOLVE`).
    pub name: Ident,
    /// Its statements, `x' = ...` among them.
    pub body: Block,
}

/// A `PROCEDURE` or `FUNCTION`.
#[derive(Debug, Clone, PartialEq)]
pub struct Callable {
    /// Its name.
    pub name: Ident,
    /// Formal arguments (units dropped).
    pub args: Vec<Ident>,
    /// Its body (a `TABLE` statement, if any, is its first statement).
    pub body: Block,
}

/// `NET_RECEIVE(weight, ...) { }`.
#[derive(Debug, Clone, PartialEq)]
pub struct NetReceive {
    /// Formal arguments (`weight` first).
    pub args: Vec<Ident>,
    /// Its body.
    pub body: Block,
    /// Where it starts.
    pub span: Span,
}

impl Expr {
    /// Where the expression starts.
    pub fn span(&self) -> Span {
        match self {
            Expr::Num(_, s) | Expr::Unary(_, _, s) | Expr::Binary(_, _, _, s) => *s,
            Expr::Var(id) => id.span,
            Expr::Call(c) => c.name.span,
        }
    }
}
