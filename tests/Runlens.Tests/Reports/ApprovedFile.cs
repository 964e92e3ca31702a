using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Reports;

/// <summary>
/// Checked-in expected outputs in <c>tests/Runlens.Tests/Reports/Approved</c>. A difference fails the test with a
/// line diff and the way to approve it: when a change is intended, run the tests with <c>RUNLENS_APPROVE=1</c> (which
/// rewrites the approved files), then read <c>git diff</c> before committing.
/// </summary>
internal static class ApprovedFile
{
    public static string Folder => Path.Combine(Fixtures.RepoRoot, "tests", "Runlens.Tests", "Reports", "Approved");

    /// <summary>Fails unless <paramref name="actual"/> equals the approved file <paramref name="name"/> (or rewrites it under
    /// <c>RUNLENS_APPROVE=1</c>).</summary>
    public static void Verify(string name, string actual)
    {
        var path = Path.Combine(Folder, name);
        if (Environment.GetEnvironmentVariable("RUNLENS_APPROVE") == "1")
        {
            File.WriteAllText(path, actual);
        }

        if (!File.Exists(path))
        {
            Assert.Fail($"{path} does not exist: run the tests with RUNLENS_APPROVE=1 to write it, then review it with git diff");
        }

        var approved = File.ReadAllText(path);
        if (approved != actual)
        {
            Assert.Fail($"{name} differs from the approved file ({path}); lines with - are approved, + are now:\n"
                + Diff(approved, actual)
                + "\nIf the change is intended, run the tests with RUNLENS_APPROVE=1 and review git diff before committing.");
        }
    }

    /// <summary>The changed lines with two lines of context, at most 80 lines.</summary>
    private static string Diff(string approved, string actual)
    {
        // A one-line JSON answer is shown indented, so the diff points at the field that changed.
        (approved, actual) = (Indented(approved), Indented(actual));
        var lines = InlineDiffBuilder.Diff(approved, actual, ignoreWhiteSpace: false).Lines;
        var keep = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type != ChangeType.Unchanged)
            {
                for (var j = Math.Max(0, i - 2); j <= Math.Min(lines.Count - 1, i + 2); j++)
                {
                    keep[j] = true;
                }
            }
        }

        var sb = new StringBuilder();
        var shown = 0;
        for (var i = 0; i < lines.Count && shown < 80; i++)
        {
            if (!keep[i])
            {
                continue;
            }

            if (i > 0 && !keep[i - 1])
            {
                sb.Append("@@ line ").Append(lines[i].Position ?? i + 1).Append('\n');
            }

            sb.Append(lines[i].Type switch { ChangeType.Inserted => "+ ", ChangeType.Deleted => "- ", _ => "  " }).Append(lines[i].Text).Append('\n');
            shown++;
        }

        return sb.ToString();
    }

    private static string Indented(string text)
    {
        if (text.TrimEnd('\n').Contains('\n', StringComparison.Ordinal))
        {
            return text;
        }

        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(text)?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? text;
        }
        catch (System.Text.Json.JsonException)
        {
            return text;
        }
    }
}
