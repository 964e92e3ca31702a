using System.CommandLine;
using Runlens.Analysis.Rules;

namespace Runlens.Cli.Commands;

/// <summary><c>runlens rules [ID|SLUG]</c>: the rule catalogue, or one rule with its options.</summary>
internal static class RulesCommand
{
    public static Command Build()
    {
        var id = new Argument<string?>("rule") { Description = "A rule id (RL0101) or slug (overfitting) to describe", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("rules", "List the diagnostic rules, or describe one.") { id };
        command.SetAction(parse =>
        {
            var which = parse.GetValue(id);
            if (which is null)
            {
                foreach (var d in Runlens.Audit.AuditCatalog.Descriptors)
                {
                    Console.WriteLine($"{d.Id}  {d.Slug,-22} {d.Title}");
                }

                return ExitCodes.Ok;
            }

            var desc = RuleCatalog.Find(which)?.Descriptor ?? Runlens.Audit.AuditCatalog.Find(which)?.Descriptor;
            if (desc is null)
            {
                Console.Error.WriteLine($"runlens: no rule '{which}'; run `runlens rules` for the list");
                return ExitCodes.Usage;
            }

            Console.WriteLine($"{desc.Id} {desc.Slug}: {desc.Title}");
            Console.WriteLine($"category: {desc.Category}; default severity: {desc.DefaultSeverity.ToString().ToLowerInvariant()}");
            Console.WriteLine($"needs: {(desc.Requires.IsEmpty ? "nothing" : string.Join(", ", desc.Requires.Select(s => s.Id)))}");
            foreach (var o in desc.Options)
            {
                Console.WriteLine($"  --set {desc.Slug}.{o.Name}={o.Default.ToString(System.Globalization.CultureInfo.InvariantCulture)}  {o.Description}");
            }

            Console.WriteLine($"docs: {desc.DocsPath}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
