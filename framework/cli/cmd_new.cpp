// marl new env|algorithm <name>: a ready-to-build plugin folder, made from
// the worked example of the plugin guide (docs/examples) with its name
// replaced: CMakeLists.txt, sources, an experiment file, a README and a test
// that CTest runs (conformance for an env, "beats random" for an algorithm).
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>

#include "commands.h"
#include "marl/error.h"
#include "scaffold_files.h"

namespace marl::cli {

namespace {

namespace fs = std::filesystem;

struct NewArgs {
  std::string kind;
  std::string name;
  std::string dir;
};

std::string camel_case(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string renamed(const std::string& text, const std::string& example, const std::string& name) {
  return replace_all(replace_all(text, example, name), camel_case(example), camel_case(name));
}

// The prefix marl is installed under, if this marl runs from an installed tree.
std::string install_prefix() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const fs::path prefix = exe.parent_path().parent_path();
  for (const char* lib : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
    if (fs::exists(prefix / lib / "cmake/marl/marlConfig.cmake")) return prefix.string();
  }
  return {};
}

int make_plugin(const NewArgs& args) {
  if (!std::regex_match(args.name, std::regex("[a-z][a-z0-9_]*"))) {
    throw Error("plugin name '" + args.name +
                "' must start with a lowercase letter and hold only lowercase letters, digits and '_' "
                "(it names the library libmarl_" + (args.kind == "env" ? "env_" : "algo_") + args.name +
                ".so and C++ identifiers)");
  }
  const fs::path dir = args.dir.empty() ? fs::path(args.name) : fs::path(args.dir);
  if (fs::exists(dir) && !(fs::is_directory(dir) && fs::is_empty(dir))) {
    throw Error("'" + dir.string() + "' already exists and is not an empty folder: marl new writes a new plugin "
                "folder (choose another with --dir)");
  }
  std::vector<std::string> written;
  for (const ScaffoldFile& file : scaffold_files()) {
    if (args.kind != file.kind) continue;
    const fs::path target = dir / renamed(file.path, file.example, args.name);
    fs::create_directories(target.parent_path());
    std::ofstream out(target, std::ios::binary);
    out << renamed(file.content, file.example, args.name);
    out.close();
    if (!out) throw Error("could not write '" + target.string() + "'");
    if (target.extension() == ".sh") fs::permissions(target, fs::perms::owner_exec, fs::perm_options::add);
    written.push_back(fs::relative(target, dir).string());
  }
  if (written.empty()) throw Error("this marl was built without the " + args.kind + " scaffold");

  std::cout << "created " << args.kind << " plugin '" << args.name << "' in " << dir.string() << ":\n";
  for (const auto& w : written) std::cout << "  " << w << '\n';
  const std::string prefix = install_prefix();
  const std::string build = (dir / "build").string();
  std::cout << "\nnext: build it against the installed marl, run its test, try it:\n"
            << "  cmake -S " << dir.string() << " -B " << build << " -DCMAKE_PREFIX_PATH="
            << (prefix.empty() ? "<prefix of `cmake --install` of marl>" : prefix) << '\n'
            << "  cmake --build " << build << " && ctest --test-dir " << build << " --output-on-failure\n"
            << "  marl --plugin-dir " << build << " info " << args.name << '\n';
  if (args.kind == "env") std::cout << "  marl --plugin-dir " << build << " test-env " << args.name << '\n';
  std::cout << "  marl --plugin-dir " << build << " run " << (dir / (args.name + ".toml")).string() << '\n';
  return 0;
}

}  // namespace

void add_new_command(CLI::App& app, const GlobalOptions&, Command& selected) {
  auto args = std::make_shared<NewArgs>();
  CLI::App* cmd = app.add_subcommand(
      "new", "create a ready-to-build plugin folder (sources, CMakeLists.txt, experiment, test) to start from");
  cmd->add_option("kind", args->kind, "env or algorithm")->required()->check(CLI::IsMember({"env", "algorithm"}));
  cmd->add_option("name", args->name, "plugin name, e.g. predator_prey")->required();
  cmd->add_option("--dir", args->dir, "folder to create (default: ./<name>)");
  cmd->callback([args, &selected] { selected = [args] { return make_plugin(*args); }; });
}

}  // namespace marl::cli
