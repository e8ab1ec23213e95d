//===- Lexer.h - tokens of the cnnc network language ------------*- C++ -*-===//
//
// The lexer of the .cnn language (docs/dsl.md), in the manner of MLIR's Toy
// tutorial: it turns a buffer into tokens with their line and column.
// Newlines are not significant; `#` starts a comment to the end of the line.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_DSL_LEXER_H
#define CNNC_FRONTENDS_DSL_LEXER_H

#include "dsl/Limits.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSwitch.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace mlir::cnnc::dsl {

/// A position in a source file (1-based line and column).
struct SrcLoc {
  std::shared_ptr<std::string> file;
  unsigned line = 0;
  unsigned col = 0;
};

enum class Tok {
  Eof,
  Error,
  Ident,
  Int,
  Float,
  String,
  // Keywords.
  KwNetwork,
  KwBlock,
  KwReturn,
  KwRepeat,
  KwIf,
  KwElse,
  KwAs,
  KwAnd,
  KwOr,
  KwNot,
  KwTrue,
  KwFalse,
  // Punctuation and operators.
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Assign,
  Plus,
  Minus,
  Star,
  Slash,
  Pipe,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
};

/// Spelling of a token kind for messages ("'('", "an identifier").
inline const char *tokName(Tok t) {
  switch (t) {
  case Tok::Eof:
    return "end of file";
  case Tok::Error:
    return "an invalid character";
  case Tok::Ident:
    return "a name";
  case Tok::Int:
    return "an integer";
  case Tok::Float:
    return "a number";
  case Tok::String:
    return "a string";
  case Tok::KwNetwork:
    return "'network'";
  case Tok::KwBlock:
    return "'block'";
  case Tok::KwReturn:
    return "'return'";
  case Tok::KwRepeat:
    return "'repeat'";
  case Tok::KwIf:
    return "'if'";
  case Tok::KwElse:
    return "'else'";
  case Tok::KwAs:
    return "'as'";
  case Tok::KwAnd:
    return "'and'";
  case Tok::KwOr:
    return "'or'";
  case Tok::KwNot:
    return "'not'";
  case Tok::KwTrue:
    return "'true'";
  case Tok::KwFalse:
    return "'false'";
  case Tok::LParen:
    return "'('";
  case Tok::RParen:
    return "')'";
  case Tok::LBrace:
    return "'{'";
  case Tok::RBrace:
    return "'}'";
  case Tok::LBracket:
    return "'['";
  case Tok::RBracket:
    return "']'";
  case Tok::Comma:
    return "','";
  case Tok::Colon:
    return "':'";
  case Tok::Assign:
    return "'='";
  case Tok::Plus:
    return "'+'";
  case Tok::Minus:
    return "'-'";
  case Tok::Star:
    return "'*'";
  case Tok::Slash:
    return "'/'";
  case Tok::Pipe:
    return "'|>'";
  case Tok::Eq:
    return "'=='";
  case Tok::Ne:
    return "'!='";
  case Tok::Lt:
    return "'<'";
  case Tok::Le:
    return "'<='";
  case Tok::Gt:
    return "'>'";
  case Tok::Ge:
    return "'>='";
  }
  return "a token";
}

/// Splits a buffer into tokens. `cur()` is the current token; `next()`
/// advances. `atLineStart()` tells whether the current token is the first on
/// its line, which the parser uses to resynchronize after an error.
class Lexer {
public:
  Lexer(llvm::StringRef buffer, std::string fileName)
      : buf(buffer), file(std::make_shared<std::string>(std::move(fileName))) {
    next();
  }

  Tok cur() const { return tok; }
  llvm::StringRef spelling() const { return text; }
  const std::string &stringValue() const { return str; }
  int64_t intValue() const { return ival; }
  double floatValue() const { return fval; }
  SrcLoc loc() const { return {file, tokLine, tokCol}; }
  bool atLineStart() const { return lineStart; }
  /// Why the current token is Tok::Error.
  const std::string &errorMessage() const { return str; }

  Tok next() {
    lineStart = skipBlanks();
    tokLine = line;
    tokCol = col;
    tok = lex();
    return tok;
  }

private:
  char peek(size_t k = 0) const {
    return pos + k < buf.size() ? buf[pos + k] : '\0';
  }
  char get() {
    char c = buf[pos++];
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    return c;
  }

  /// Skips blanks and comments; returns whether a newline was crossed (or
  /// this is the start of the file).
  bool skipBlanks() {
    bool newline = pos == 0;
    while (pos < buf.size()) {
      char c = peek();
      if (c == '#') {
        while (pos < buf.size() && peek() != '\n')
          get();
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        newline |= c == '\n';
        get();
      } else {
        break;
      }
    }
    return newline;
  }

  Tok lex() {
    size_t start = pos;
    if (pos >= buf.size()) {
      text = "";
      return Tok::Eof;
    }
    char c = get();
    auto finish = [&](Tok t) {
      text = buf.slice(start, pos);
      return t;
    };
    if (isalpha((unsigned char)c) || c == '_') {
      while (isalnum((unsigned char)peek()) || peek() == '_')
        get();
      text = buf.slice(start, pos);
      if (text.size() > kMaxNameLength) {
        str = "a name is longer than " + std::to_string(kMaxNameLength) +
              " characters";
        return Tok::Error;
      }
      return llvm::StringSwitch<Tok>(text)
          .Case("network", Tok::KwNetwork)
          .Case("block", Tok::KwBlock)
          .Case("return", Tok::KwReturn)
          .Case("repeat", Tok::KwRepeat)
          .Case("if", Tok::KwIf)
          .Case("else", Tok::KwElse)
          .Case("as", Tok::KwAs)
          .Case("and", Tok::KwAnd)
          .Case("or", Tok::KwOr)
          .Case("not", Tok::KwNot)
          .Case("true", Tok::KwTrue)
          .Case("false", Tok::KwFalse)
          .Default(Tok::Ident);
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)peek())))
      return lexNumber(start);
    if (c == '"') {
      str.clear();
      while (pos < buf.size() && peek() != '"' && peek() != '\n')
        str.push_back(get());
      if (peek() != '"') {
        str = "unterminated string";
        return finish(Tok::Error);
      }
      get();
      if (str.size() > kMaxNameLength) {
        str = "a string is longer than " + std::to_string(kMaxNameLength) +
              " characters";
        return finish(Tok::Error);
      }
      return finish(Tok::String);
    }
    switch (c) {
    case '(':
      return finish(Tok::LParen);
    case ')':
      return finish(Tok::RParen);
    case '{':
      return finish(Tok::LBrace);
    case '}':
      return finish(Tok::RBrace);
    case '[':
      return finish(Tok::LBracket);
    case ']':
      return finish(Tok::RBracket);
    case ',':
      return finish(Tok::Comma);
    case ':':
      return finish(Tok::Colon);
    case '+':
      return finish(Tok::Plus);
    case '-':
      return finish(Tok::Minus);
    case '*':
      return finish(Tok::Star);
    case '/':
      return finish(Tok::Slash);
    case '|':
      if (peek() == '>') {
        get();
        return finish(Tok::Pipe);
      }
      break;
    case '=':
      if (peek() == '=') {
        get();
        return finish(Tok::Eq);
      }
      return finish(Tok::Assign);
    case '!':
      if (peek() == '=') {
        get();
        return finish(Tok::Ne);
      }
      break;
    case '<':
      if (peek() == '=') {
        get();
        return finish(Tok::Le);
      }
      return finish(Tok::Lt);
    case '>':
      if (peek() == '=') {
        get();
        return finish(Tok::Ge);
      }
      return finish(Tok::Gt);
    default:
      break;
    }
    str = "unexpected character '";
    if (isprint((unsigned char)c))
      str += c;
    else
      str += "\\x" + llvm::utohexstr((unsigned char)c);
    str += "'";
    return finish(Tok::Error);
  }

  Tok lexNumber(size_t start) {
    bool isFloat = buf[start] == '.';
    while (isdigit((unsigned char)peek()))
      get();
    if (peek() == '.' && isdigit((unsigned char)peek(1))) {
      isFloat = true;
      get();
      while (isdigit((unsigned char)peek()))
        get();
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (isdigit((unsigned char)peek(1)) ||
         ((peek(1) == '-' || peek(1) == '+') &&
          isdigit((unsigned char)peek(2))))) {
      isFloat = true;
      get();
      if (peek() == '-' || peek() == '+')
        get();
      while (isdigit((unsigned char)peek()))
        get();
    }
    text = buf.slice(start, pos);
    if (isalpha((unsigned char)peek()) || peek() == '_') {
      str = "invalid number '" + text.str() + peek() + "'";
      return Tok::Error;
    }
    if (isFloat) {
      fval = std::strtod(text.str().c_str(), nullptr);
      return Tok::Float;
    }
    if (text.getAsInteger(10, ival)) {
      std::string shown = text.take_front(40).str();
      if (text.size() > 40)
        shown += "...";
      str = "integer '" + shown + "' is too large";
      return Tok::Error;
    }
    return Tok::Int;
  }

  llvm::StringRef buf;
  std::shared_ptr<std::string> file;
  size_t pos = 0;
  unsigned line = 1, col = 1;
  unsigned tokLine = 1, tokCol = 1;
  bool lineStart = true;
  Tok tok = Tok::Eof;
  llvm::StringRef text;
  std::string str;
  int64_t ival = 0;
  double fval = 0;
};

} // namespace mlir::cnnc::dsl

#endif // CNNC_FRONTENDS_DSL_LEXER_H
