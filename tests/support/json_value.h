// A tiny read-only JSON value for tests that replay reference recordings
// (JSON Lines written by Python). No JSON package is installed, and the
// recordings need exact doubles: numbers are parsed with std::from_chars,
// which rounds correctly, so Python's shortest-repr floats come back
// bit-identical (including "-0").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace marl::testing {

class JsonValue {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };

  // Parses one complete JSON document; throws std::runtime_error naming the
  // byte offset and what was expected.
  static JsonValue parse(const std::string& text);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_bool() const { return type_ == Type::Bool; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_string() const { return type_ == Type::String; }
  bool is_array() const { return type_ == Type::Array; }
  bool is_object() const { return type_ == Type::Object; }

  // Typed access; throws std::runtime_error when the type differs.
  bool as_bool() const;
  double as_double() const;
  int64_t as_int() const;  // a Number that is an exact integer
  const std::string& as_string() const;
  std::vector<double> as_double_vector() const;  // an Array of Numbers

  // Arrays and objects: number of elements / members.
  size_t size() const;
  // Array element; throws when out of range or not an array.
  const JsonValue& operator[](size_t index) const;
  const JsonValue& at(size_t index) const { return (*this)[index]; }
  // Plain int literals (v[0]) would otherwise be ambiguous with const char*.
  // (A negative index wraps to a huge one and is reported out of range.)
  const JsonValue& operator[](int index) const { return (*this)[static_cast<size_t>(index)]; }
  // Object member; throws (naming the key) when missing or not an object.
  const JsonValue& operator[](const std::string& key) const;
  const JsonValue& operator[](const char* key) const { return (*this)[std::string(key)]; }
  const JsonValue& at(const std::string& key) const { return (*this)[key]; }
  const JsonValue* find(const std::string& key) const;  // nullptr when missing
  bool contains(const std::string& key) const { return find(key) != nullptr; }

  // Object members in document order.
  const std::vector<std::string>& keys() const;
  // Array elements, or object values in the order of keys().
  const std::vector<JsonValue>& values() const;

  static const char* type_name(Type type);

 private:
  friend class JsonParser;

  Type type_ = Type::Null;
  bool bool_ = false;
  double number_ = 0.0;
  std::string string_;
  std::vector<std::string> keys_;
  std::vector<JsonValue> values_;
};

// One JsonValue per non-empty line of a JSON Lines file; throws
// std::runtime_error naming the file and line when it cannot be read or parsed.
std::vector<JsonValue> read_json_lines(const std::string& path);

}  // namespace marl::testing
