using System.Globalization;
using System.Text.RegularExpressions;
using Runlens.Analysis.Rules;
using Runlens.Audit;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>Code and docs cannot drift: ids, registration, pages, options and the index are checked here.</summary>
public sealed partial class RuleCatalogTests
{
    private static readonly string[] RequiredSections =
        ["## What it detects", "## Why it matters", "## Evidence", "## Example", "## How to fix", "## When to ignore", "## Options", "## Related rules"];

    /// <summary>The run rules and the data-audit checks: one catalogue.</summary>
    public static TheoryData<string> RuleIds => [.. AuditCatalog.Descriptors.Select(d => d.Id)];

    private static RuleDescriptor Describe(string id) => RuleCatalog.Find(id)?.Descriptor ?? AuditCatalog.Find(id)!.Descriptor;

    [Fact]
    public void Ids_and_slugs_are_unique()
    {
        var all = AuditCatalog.Descriptors;
        Assert.Equal(RuleCatalog.All.Length + AuditCatalog.All.Length, all.Length);
        Assert.Equal(all.Length, all.Select(d => d.Id).Distinct().Count());
        Assert.Equal(all.Length, all.Select(d => d.Slug).Distinct().Count());
    }

    [Fact]
    public void Every_audit_check_class_is_registered_in_the_data_audit_category_and_named_Check()
    {
        var types = typeof(AuditCatalog).Assembly.GetTypes()
            .Where(t => typeof(Runlens.Audit.Checks.AuditCheck).IsAssignableFrom(t) && t is { IsAbstract: false })
            .ToHashSet();
        Assert.Equal(types, AuditCatalog.All.Select(c => c.GetType()).ToHashSet());
        foreach (var c in AuditCatalog.All)
        {
            Assert.Equal(RuleCategory.DataAudit, c.Descriptor.Category);
            Assert.Matches("^[a-z]+(-[a-z]+)*$", c.Descriptor.Slug);
            Assert.EndsWith("Check", c.GetType().Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_rule_class_in_the_assembly_is_registered()
    {
        var ruleTypes = typeof(IRule).Assembly.GetTypes()
            .Where(t => typeof(IRule).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToHashSet();
        Assert.Equal(ruleTypes, RuleCatalog.All.Select(r => r.GetType()).ToHashSet());
    }

    [Fact]
    public void Slugs_are_kebab_case_and_class_names_end_in_Rule()
    {
        foreach (var r in RuleCatalog.All)
        {
            Assert.Matches("^[a-z]+(-[a-z]+)*$", r.Descriptor.Slug);
            Assert.EndsWith("Rule", r.GetType().Name, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Every_rule_has_a_docs_page_with_every_section(string id)
    {
        var rule = Describe(id);
        var path = Path.Combine(Fixtures.RepoRoot, rule.DocsPath);
        Assert.True(File.Exists(path), $"{rule.DocsPath} is missing");
        var text = File.ReadAllText(path);
        Assert.StartsWith($"# {id} {rule.Slug}\n", text, StringComparison.Ordinal);
        foreach (var section in RequiredSections)
        {
            Assert.Contains(section + "\n", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void The_docs_page_lists_every_option_with_its_default(string id)
    {
        var rule = Describe(id);
        var text = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, rule.DocsPath));
        var documented = OptionRow().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        var declared = rule.Options.Select(o => (o.Name, o.Default.ToString(CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(declared, documented);
    }

    [Fact]
    public void The_index_lists_every_rule_and_nothing_else()
    {
        var text = File.ReadAllText(Path.Combine(Fixtures.RepoRoot, "docs", "rules", "README.md"));
        var rows = IndexRow().Matches(text).Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value.Trim())).ToList();
        var expected = AuditCatalog.Descriptors.Select(d => (d.Id, d.Slug, d.Title)).ToList();
        Assert.Equal(expected, rows);
        var pages = Directory.GetFiles(Path.Combine(Fixtures.RepoRoot, "docs", "rules"), "RL*.md").Select(Path.GetFileNameWithoutExtension).Order();
        Assert.Equal(expected.Select(e => e.Id).Order(), pages);
    }

    [GeneratedRegex(@"^\| `([a-z_]+)` \| ([-0-9.eE]+) \|", RegexOptions.Multiline)]
    private static partial Regex OptionRow();

    [GeneratedRegex(@"^\| \[(RL\d{4})\]\(RL\d{4}\.md\) \| ([a-z-]+) \| ([^|]+)\|", RegexOptions.Multiline)]
    private static partial Regex IndexRow();
}
