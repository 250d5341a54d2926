// ParamSpec declarations, their checks and descriptions, and Params getters.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "marl/error.h"
#include "marl/params.h"

using marl::ParamSpec;
using marl::ParamType;
using marl::ParamValue;

TEST_CASE("ParamSpec factories record type, default, doc and choices", "[params]") {
  const ParamSpec b = ParamSpec::boolean("shared", true, "share weights");
  CHECK(b.type == ParamType::Bool);
  CHECK(std::get<bool>(b.default_value) == true);
  CHECK(b.doc == "share weights");

  const ParamSpec i = ParamSpec::integer("n_agents", 3, "agents").range(1, 64);
  CHECK(i.type == ParamType::Int);
  CHECK(std::get<int64_t>(i.default_value) == 3);
  CHECK(*i.min == 1.0);
  CHECK(*i.max == 64.0);

  const ParamSpec r = ParamSpec::real("lr", 7e-4, "learning rate");
  CHECK(r.type == ParamType::Float);
  CHECK(std::get<double>(r.default_value) == 7e-4);
  CHECK_FALSE(r.min.has_value());

  const ParamSpec c = ParamSpec::choice("game", "climb", {"two_step", "climb"}, "game");
  CHECK(c.type == ParamType::String);
  CHECK(std::get<std::string>(c.default_value) == "climb");
  CHECK(c.choices == std::vector<std::string>{"two_step", "climb"});

  CHECK(ParamSpec::string("tag", "x", "").choices.empty());
  CHECK(ParamSpec::int_list("layers", {64, 64}, "").type == ParamType::IntList);
  CHECK(std::get<std::vector<double>>(ParamSpec::real_list("w", {0.5}, "").default_value) ==
        std::vector<double>{0.5});
}

TEST_CASE("expected() describes the accepted values in words", "[params]") {
  CHECK(ParamSpec::integer("n", 1, "").range(1, std::nullopt).expected() == "an integer >= 1");
  CHECK(ParamSpec::integer("n", 1, "").range(std::nullopt, 5).expected() == "an integer <= 5");
  CHECK(ParamSpec::integer("n", 1, "").range(1, 64).expected() == "an integer in [1, 64]");
  CHECK(ParamSpec::integer("n", 1, "").expected() == "an integer");
  CHECK(ParamSpec::real("lr", 0.1, "").range(0, 1).expected() == "a float in [0, 1]");
  CHECK(ParamSpec::real("lr", 0.1, "").range(0.5, std::nullopt).expected() == "a float >= 0.5");
  CHECK(ParamSpec::real("eps", 0.1, "").range(1e-8, std::nullopt).expected() == "a float >= 1e-08");
  CHECK(ParamSpec::real("lr", 0.1, "").expected() == "a finite float");
  CHECK(ParamSpec::choice("game", "two_step", {"two_step", "nonmonotonic"}, "").expected() ==
        "one of \"two_step\", \"nonmonotonic\"");
  CHECK(ParamSpec::string("tag", "", "").expected() == "a string");
  CHECK(ParamSpec::boolean("b", false, "").expected() == "a boolean (true or false)");
  CHECK(ParamSpec::int_list("l", {}, "").expected() == "a list of integers");
  CHECK(ParamSpec::int_list("l", {}, "").range(1, 1024).expected() == "a list of integers, each in [1, 1024]");
  CHECK(ParamSpec::real_list("w", {}, "").range(0, std::nullopt).expected() == "a list of floats, each >= 0");
}

TEST_CASE("check() accepts values of the right type inside the range", "[params]") {
  const ParamSpec n = ParamSpec::integer("n", 3, "").range(1, 64);
  CHECK(n.check(int64_t{1}).empty());
  CHECK(n.check(int64_t{64}).empty());
  CHECK(n.check(int64_t{0}) == "an integer in [1, 64]");
  CHECK(n.check(int64_t{65}) == "an integer in [1, 64]");
  CHECK(n.check(2.0) == "an integer in [1, 64]");
  CHECK(n.check(true) == "an integer in [1, 64]");

  const ParamSpec lr = ParamSpec::real("lr", 0.1, "").range(0, 1);
  CHECK(lr.check(0.0).empty());
  CHECK(lr.check(1.0).empty());
  CHECK(lr.check(int64_t{1}).empty());  // an integer is a fine float
  CHECK_FALSE(lr.check(1.0000001).empty());
  CHECK_FALSE(lr.check(std::nan("")).empty());
  CHECK_FALSE(lr.check(std::string("0.1")).empty());
  // nan and inf are refused even without a range: no parameter means them.
  CHECK_FALSE(ParamSpec::real("x", 0, "").check(std::numeric_limits<double>::infinity()).empty());
  CHECK_FALSE(ParamSpec::real("x", 0, "").check(std::nan("")).empty());

  const ParamSpec game = ParamSpec::choice("game", "a", {"a", "b"}, "");
  CHECK(game.check(std::string("b")).empty());
  CHECK(game.check(std::string("c")) == "one of \"a\", \"b\"");
  CHECK(ParamSpec::string("s", "", "").check(std::string("anything")).empty());

  const ParamSpec flag = ParamSpec::boolean("flag", false, "");
  CHECK(flag.check(false).empty());
  CHECK_FALSE(flag.check(int64_t{1}).empty());

  const ParamSpec layers = ParamSpec::int_list("layers", {}, "").range(1, 1024);
  CHECK(layers.check(std::vector<int64_t>{}).empty());
  CHECK(layers.check(std::vector<int64_t>{64, 1024}).empty());
  CHECK(layers.check(std::vector<int64_t>{64, 0}) == "a list of integers, each in [1, 1024]");
  CHECK_FALSE(layers.check(std::vector<double>{64.0}).empty());

  const ParamSpec weights = ParamSpec::real_list("w", {}, "").range(0, 1);
  CHECK(weights.check(std::vector<double>{0.0, 0.5}).empty());
  CHECK(weights.check(std::vector<int64_t>{0, 1}).empty());
  CHECK_FALSE(weights.check(std::vector<double>{0.5, 1.5}).empty());
}

TEST_CASE("param_value_to_string writes TOML", "[params]") {
  CHECK(marl::param_value_to_string(true) == "true");
  CHECK(marl::param_value_to_string(int64_t{-7}) == "-7");
  CHECK(marl::param_value_to_string(0.5) == "0.5");
  CHECK(marl::param_value_to_string(1.0) == "1.0");  // stays a float when read back
  CHECK(marl::param_value_to_string(7e-4) == "0.0007");
  CHECK(marl::param_value_to_string(1e20) == "1e+20");
  CHECK(marl::param_value_to_string(-2.5e-300) == "-2.5e-300");
  CHECK(marl::param_value_to_string(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(marl::param_value_to_string(std::string("two_step")) == "\"two_step\"");
  CHECK(marl::param_value_to_string(std::string("a\"b\\c\nd")) == "\"a\\\"b\\\\c\\nd\"");
  CHECK(marl::param_value_to_string(std::vector<int64_t>{1, 2, 3}) == "[1, 2, 3]");
  CHECK(marl::param_value_to_string(std::vector<int64_t>{}) == "[]");
  CHECK(marl::param_value_to_string(std::vector<double>{0.25, 2.0}) == "[0.25, 2.0]");
}

TEST_CASE("doubles are written with enough digits to read back exactly", "[params]") {
  const double values[] = {0.1, 1.0 / 3.0, 1e-300, 5e-324, 1.7976931348623157e308,
                           123456789.125, 1e20, -2.5e-7, 0.30000000000000004};
  for (double value : values) {
    const std::string text = marl::param_value_to_string(value);
    INFO(text);
    CHECK(std::strtod(text.c_str(), nullptr) == value);
  }
}

TEST_CASE("param type names and value types", "[params]") {
  CHECK(std::string(marl::param_type_name(ParamType::Int)) == "int");
  CHECK(std::string(marl::param_type_name(ParamType::Float)) == "float");
  CHECK(std::string(marl::param_type_name(ParamType::FloatList)) == "float list");
  CHECK(marl::param_value_type(ParamValue(int64_t{1})) == ParamType::Int);
  CHECK(marl::param_value_type(ParamValue(1.0)) == ParamType::Float);
  CHECK(marl::param_value_type(ParamValue(std::string("x"))) == ParamType::String);
  CHECK(marl::param_value_type(ParamValue(std::vector<int64_t>{})) == ParamType::IntList);
  CHECK(marl::param_value_type(ParamValue(std::vector<double>{})) == ParamType::FloatList);
  CHECK(marl::param_value_type(ParamValue(false)) == ParamType::Bool);
}

TEST_CASE("Params getters return values and reject unknown names and wrong types", "[params]") {
  marl::Params params;
  params.set("n", int64_t{4});
  params.set("lr", 0.25);
  params.set("game", std::string("climb"));
  params.set("layers", std::vector<int64_t>{8, 16});
  params.set("shared", true);

  CHECK(params.get_int("n") == 4);
  CHECK(params.get_double("lr") == 0.25);
  CHECK(params.get_double("n") == 4.0);  // ints read fine as doubles
  CHECK(params.get_string("game") == "climb");
  CHECK(params.get_int_list("layers") == std::vector<int64_t>{8, 16});
  CHECK(params.get_double_list("layers") == std::vector<double>{8.0, 16.0});
  CHECK(params.get_bool("shared"));
  CHECK(params.has("n"));
  CHECK_FALSE(params.has("m"));

  CHECK_THROWS_AS(params.get_int("lr"), marl::ConfigError);
  CHECK_THROWS_WITH(params.get_int("lr"), Catch::Contains("'lr'") && Catch::Contains("float"));
  CHECK_THROWS_WITH(params.get_string("n"), Catch::Contains("'n'"));
  CHECK_THROWS_WITH(params.get_bool("missing"), Catch::Contains("'missing'"));
  CHECK_THROWS_AS(params.get("missing"), marl::ConfigError);
}

TEST_CASE("Params::defaults fills every default and applies overrides", "[params]") {
  const marl::ParamSpecList specs = {
      ParamSpec::integer("n", 3, ""),
      ParamSpec::real("lr", 0.5, ""),
      ParamSpec::choice("game", "a", {"a", "b"}, ""),
  };
  const marl::Params plain = marl::Params::defaults(specs);
  CHECK(plain.values().size() == 3);
  CHECK(plain.get_int("n") == 3);
  CHECK(plain.get_string("game") == "a");

  const marl::Params changed = marl::Params::defaults(specs, {{"n", int64_t{9}}, {"game", std::string("b")}});
  CHECK(changed.get_int("n") == 9);
  CHECK(changed.get_string("game") == "b");
  CHECK(changed.get_double("lr") == 0.5);
}
