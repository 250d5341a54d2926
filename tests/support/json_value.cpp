#include "json_value.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <utility>

namespace marl::testing {

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : text_(text) {}

  JsonValue parse_document() {
    JsonValue value = parse_value(0);
    skip_space();
    if (pos_ != text_.size()) fail("end of input");
    return value;
  }

 private:
  // Recordings nest a few levels; the limit only guards against runaway input.
  static constexpr int kMaxDepth = 256;

  [[noreturn]] void fail(const std::string& expected) const {
    throw std::runtime_error("JSON parse error at byte " + std::to_string(pos_) + ": expected " +
                             expected);
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  bool consume(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void expect(char c) {
    if (!consume(c)) fail(std::string("'") + c + "'");
  }

  bool consume_word(const char* word) {
    const std::string w(word);
    if (text_.compare(pos_, w.size(), w) == 0) {
      pos_ += w.size();
      return true;
    }
    return false;
  }

  JsonValue parse_value(int depth) {
    if (depth > kMaxDepth) fail("less nesting");
    skip_space();
    if (pos_ >= text_.size()) fail("a value");
    JsonValue value;
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      value.type_ = JsonValue::Type::Object;
      if (consume('}')) return value;
      do {
        skip_space();
        value.keys_.push_back(parse_string());
        expect(':');
        value.values_.push_back(parse_value(depth + 1));
      } while (consume(','));
      expect('}');
    } else if (c == '[') {
      ++pos_;
      value.type_ = JsonValue::Type::Array;
      if (consume(']')) return value;
      do {
        value.values_.push_back(parse_value(depth + 1));
      } while (consume(','));
      expect(']');
    } else if (c == '"') {
      value.type_ = JsonValue::Type::String;
      value.string_ = parse_string();
    } else if (consume_word("true")) {
      value.type_ = JsonValue::Type::Bool;
      value.bool_ = true;
    } else if (consume_word("false")) {
      value.type_ = JsonValue::Type::Bool;
    } else if (consume_word("null")) {
      value.type_ = JsonValue::Type::Null;
    } else {
      value.type_ = JsonValue::Type::Number;
      value.number_ = parse_number();
    }
    return value;
  }

  double parse_number() {
    // Python's json writes NaN/Infinity for non-finite floats; accept them.
    if (consume_word("NaN")) return std::nan("");
    if (consume_word("Infinity")) return HUGE_VAL;
    if (consume_word("-Infinity")) return -HUGE_VAL;
    double out = 0.0;
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    const auto result = std::from_chars(begin, end, out);
    if (result.ec != std::errc() || result.ptr == begin) fail("a value");
    pos_ += static_cast<size_t>(result.ptr - begin);
    return out;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t parse_hex4() {
    if (pos_ + 4 > text_.size()) fail("4 hex digits");
    uint32_t cp = 0;
    const auto result = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, cp, 16);
    if (result.ec != std::errc() || result.ptr != text_.data() + pos_ + 4) fail("4 hex digits");
    pos_ += 4;
    return cp;
  }

  std::string parse_string() {
    if (pos_ >= text_.size() || text_[pos_] != '"') fail("a string");
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail("closing '\"'");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) fail("an escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = parse_hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && consume_word("\\u")) {
            const uint32_t low = parse_hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default: fail("a valid escape");
      }
    }
  }

  const std::string& text_;
  size_t pos_ = 0;
};

JsonValue JsonValue::parse(const std::string& text) { return JsonParser(text).parse_document(); }

const char* JsonValue::type_name(Type type) {
  switch (type) {
    case Type::Null: return "null";
    case Type::Bool: return "bool";
    case Type::Number: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
  }
  return "?";
}

namespace {
[[noreturn]] void type_error(JsonValue::Type wanted, JsonValue::Type got) {
  throw std::runtime_error(std::string("JSON value is a ") + JsonValue::type_name(got) +
                           ", expected a " + JsonValue::type_name(wanted));
}
}  // namespace

bool JsonValue::as_bool() const {
  if (type_ != Type::Bool) type_error(Type::Bool, type_);
  return bool_;
}

double JsonValue::as_double() const {
  if (type_ != Type::Number) type_error(Type::Number, type_);
  return number_;
}

int64_t JsonValue::as_int() const {
  const double d = as_double();
  const auto i = static_cast<int64_t>(d);
  if (static_cast<double>(i) != d)
    throw std::runtime_error("JSON number " + std::to_string(d) + " is not an integer");
  return i;
}

const std::string& JsonValue::as_string() const {
  if (type_ != Type::String) type_error(Type::String, type_);
  return string_;
}

std::vector<double> JsonValue::as_double_vector() const {
  if (type_ != Type::Array) type_error(Type::Array, type_);
  std::vector<double> out;
  out.reserve(values_.size());
  for (const JsonValue& v : values_) out.push_back(v.as_double());
  return out;
}

size_t JsonValue::size() const {
  if (type_ != Type::Array && type_ != Type::Object) type_error(Type::Array, type_);
  return values_.size();
}

const JsonValue& JsonValue::operator[](size_t index) const {
  if (type_ != Type::Array) type_error(Type::Array, type_);
  if (index >= values_.size())
    throw std::runtime_error("JSON array index " + std::to_string(index) + " out of range (size " +
                             std::to_string(values_.size()) + ")");
  return values_[index];
}

const JsonValue* JsonValue::find(const std::string& key) const {
  if (type_ != Type::Object) type_error(Type::Object, type_);
  for (size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return &values_[i];
  return nullptr;
}

const JsonValue& JsonValue::operator[](const std::string& key) const {
  const JsonValue* v = find(key);
  if (v == nullptr) throw std::runtime_error("JSON object has no key \"" + key + "\"");
  return *v;
}

const std::vector<std::string>& JsonValue::keys() const {
  if (type_ != Type::Object) type_error(Type::Object, type_);
  return keys_;
}

const std::vector<JsonValue>& JsonValue::values() const {
  if (type_ != Type::Array && type_ != Type::Object) type_error(Type::Array, type_);
  return values_;
}

std::vector<JsonValue> read_json_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open JSON Lines file " + path);
  std::vector<JsonValue> out;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      out.push_back(JsonValue::parse(line));
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(line_number) + ": " + e.what());
    }
  }
  return out;
}

}  // namespace marl::testing
