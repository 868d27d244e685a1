using Xunit;
using FluentAssertions;
using PeerCode.Domain.Runs;
using PeerCode.Infrastructure.Runs;
using PeerCode.Infrastructure.Runs.Languages;

namespace PeerCode.Infrastructure.Tests.Runs;

/// <summary>
/// Every catalogued language runs a program that reads a name from stdin and greets it. The rule for a missing
/// toolchain: the test FAILS with the reason and the Debian packages to install, because scripts/test.sh installs
/// every toolchain listed in scripts/deps/test.apt before the tests run; a missing one is a broken machine or a
/// broken catalogue, and either must be visible.
/// </summary>
public sealed class LanguageTests(SandboxFixture fx) : IClassFixture<SandboxFixture>
{
    public static readonly Dictionary<string, string> Greeters = new()
    {
        ["python"] = "name = input()\nprint(f'hello, {name}')\n",
        ["javascript"] = "const name = require('fs').readFileSync(0, 'utf8').trim();\nconsole.log(`hello, ${name}`);\n",
        ["typescript"] = "declare const require: any;\nconst name: string = require('fs').readFileSync(0, 'utf8').trim();\nconsole.log(`hello, ${name}`);\n",
        ["c"] = "#include <stdio.h>\nint main(void) { char n[64]; if (scanf(\"%63s\", n) != 1) return 1; printf(\"hello, %s\\n\", n); return 0; }\n",
        ["cpp"] = "#include <iostream>\n#include <string>\nint main() { std::string n; std::cin >> n; std::cout << \"hello, \" << n << \"\\n\"; }\n",
        ["java"] = "import java.util.Scanner;\npublic class Main { public static void main(String[] a) { String n = new Scanner(System.in).next(); System.out.println(\"hello, \" + n); } }\n",
        ["csharp"] = "using System;\nclass Program { static void Main() { var n = Console.ReadLine().Trim(); Console.WriteLine(\"hello, \" + n); } }\n",
        ["go"] = "package main\nimport \"fmt\"\nfunc main() { var n string; fmt.Scan(&n); fmt.Println(\"hello, \" + n) }\n",
        ["rust"] = "use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); println!(\"hello, {}\", s.trim()); }\n",
        ["ruby"] = "name = gets.strip\nputs \"hello, #{name}\"\n",
    };

    public static TheoryData<string> Ids() => new(LanguageCatalogue.LoadDefinitions().Select(d => d.Id));

    [Fact]
    public void Every_catalogued_language_has_a_greeter_and_the_catalogue_has_the_ten_languages_of_the_issue()
    {
        LanguageCatalogue.LoadDefinitions().Select(d => d.Id).Should().BeEquivalentTo(Greeters.Keys);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Greeter_runs_with_its_stdin_and_reports_ok(string id)
    {
        var missing = fx.Catalogue.Missing.FirstOrDefault(m => m.Definition.Id == id);
        missing.Should().BeNull($"scripts/test.sh installs every toolchain, but {id} is missing here: {missing?.Reason}");
        fx.Catalogue.TryGet(id, out var lang).Should().BeTrue();
        lang.Version.Should().NotBeNullOrWhiteSpace();

        var result = await fx.Runner().RunAsync(new RunRequest(id, Greeters[id], "ada\n", []));

        result.Verdict.Should().Be(RunVerdict.Ok, result.Detail + " " + result.Stdout + result.Stderr);
        result.Stdout.Should().Be("hello, ada\n");
        result.Stderr.Should().BeEmpty();
        result.ExitCode.Should().Be(0);
        result.CpuMs.Should().NotBeNull();
        result.PeakMemoryKb.Should().BeGreaterThan(0);
    }

    [Theory]
    [InlineData("c", "int main(void) { return undefined_name; }\n", "undefined_name")]
    [InlineData("java", "public class Main { void f() { int x = \"s\"; } }\n", "incompatible types")]
    [InlineData("typescript", "const x: number = ;\n", "TS1109")]
    public async Task Broken_code_in_a_compiled_language_gets_compile_error_with_the_compiler_message(string id, string code, string message)
    {
        var result = await fx.Runner().RunAsync(new RunRequest(id, code, "", []));

        result.Verdict.Should().Be(RunVerdict.CompileError);
        (result.Stdout + result.Stderr).Should().Contain(message);
        result.ExitCode.Should().NotBe(0);
    }
}
