using System.Globalization;
using Runlens.Model;

namespace Runlens.Import.Core;

/// <summary>
/// Damaged rows of one file: the first <see cref="MaxEvents"/> become one <see cref="RunEventKind.ImportDamage"/> event each
/// (file, line, cause); the rest are counted in one closing event, so a badly damaged file cannot flood the run.
/// </summary>
internal sealed class DamageLog
{
    public const int MaxEvents = 20;

    private readonly string _file;
    private readonly List<RunEvent> _events = [];
    private int _more;
    private int? _firstMoreLine;

    public DamageLog(string file)
    {
        _file = file;
    }

    public int Count { get; private set; }

    /// <summary>Line and cause of the first damaged row, or null.</summary>
    public (int Line, string Cause)? First { get; private set; }

    public void Add(int line, string cause)
    {
        Count++;
        First ??= (line, cause);
        if (_events.Count < MaxEvents)
        {
            _events.Add(new RunEvent(RunEventKind.ImportDamage,
                $"{Path.GetFileName(_file)} line {line.ToString(CultureInfo.InvariantCulture)} was skipped: {cause}",
                File: _file, Location: Line(line)));
        }
        else
        {
            _more++;
            _firstMoreLine ??= line;
        }
    }

    public IEnumerable<RunEvent> Events()
    {
        foreach (var e in _events)
        {
            yield return e;
        }

        if (_more > 0)
        {
            yield return new RunEvent(RunEventKind.ImportDamage,
                $"{Path.GetFileName(_file)}: {_more.ToString(CultureInfo.InvariantCulture)} more damaged rows were skipped",
                File: _file, Location: Line(_firstMoreLine!.Value));
        }
    }

    public static string Line(int line) => "line " + line.ToString(CultureInfo.InvariantCulture);
}
