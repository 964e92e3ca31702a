using System.Collections.Immutable;
using System.Globalization;

namespace Runlens.Analysis.Rules;

/// <summary>Option overrides by <c>slug.option</c> (from <c>--set</c>), validated against the catalogue.</summary>
public sealed record RuleSettings(ImmutableDictionary<string, double> Values)
{
    public static RuleSettings Default { get; } = new(ImmutableDictionary<string, double>.Empty);

    /// <summary>Parses <c>slug.option=value</c> assignments; unknown rules or options are an error naming the choices.</summary>
    public static RuleSettings Parse(IEnumerable<string> assignments, IEnumerable<IRule> rules) =>
        Parse(assignments.Select(a => ("--set", a)), rules);

    /// <summary>Parses assignments, each with where it came from (<c>--set</c>, or <c>runlens.yaml: line 4</c>); a later
    /// assignment of the same option wins.</summary>
    public static RuleSettings Parse(IEnumerable<(string Origin, string Assignment)> assignments, IEnumerable<IRule> rules)
    {
        var byslug = rules.ToDictionary(r => r.Descriptor.Slug, r => r.Descriptor, StringComparer.Ordinal);
        var b = ImmutableDictionary.CreateBuilder<string, double>(StringComparer.Ordinal);
        foreach (var (origin, a) in assignments)
        {
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            var dot = a.IndexOf('.', StringComparison.Ordinal);
            if (eq < 0 || dot < 0 || dot > eq)
            {
                throw new FormatException($"{origin} '{a}': expected rule.option=value, e.g. overfitting.min_rise=0.1");
            }

            var slug = a[..dot];
            var name = a[(dot + 1)..eq];
            if (!byslug.TryGetValue(slug, out var d))
            {
                throw new FormatException($"{origin} '{a}': no rule '{slug}'; rules: {string.Join(", ", byslug.Keys.Order(StringComparer.Ordinal))}");
            }

            if (!d.Options.Any(o => o.Name == name))
            {
                var names = d.Options.Length == 0 ? "(none)" : string.Join(", ", d.Options.Select(o => o.Name));
                throw new FormatException($"{origin} '{a}': rule '{slug}' has no option '{name}'; its options: {names}");
            }

            if (!double.TryParse(a[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                throw new FormatException($"{origin} '{a}': '{a[(eq + 1)..]}' is not a number");
            }

            b[slug + "." + name] = v;
        }

        return new RuleSettings(b.ToImmutable());
    }
}
