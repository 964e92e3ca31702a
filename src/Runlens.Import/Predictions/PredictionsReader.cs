using System.Collections.Immutable;
using csFastFloat;
using System.Globalization;
using System.Runtime.InteropServices;
using Runlens.Model.Predictions;

namespace Runlens.Import.Predictions;

/// <summary>
/// Reads a predictions file (DESIGN.md §2): CSV or JSONL (chosen by content: a first character <c>{</c> means JSONL) with
/// <c>example_id</c>, <c>label</c>, <c>predicted</c> (optional when probabilities are given: then the argmax, the first
/// class in code-point order on ties), <c>prob_&lt;class&gt;</c> per class (optional), every other column kept as a text
/// slice column. A <c>sentence_id</c> column makes it a token-classification file (BIO/IOB2 tags in label/predicted).
/// Aliases for real exports: see <see cref="PredictionColumnNames"/>; a single positive-class probability column
/// (<c>probability</c>, <c>probability_…</c>, …) in a two-class file becomes <c>prob_&lt;second class&gt; = p</c> and
/// <c>prob_&lt;first class&gt; = 1 − p</c> (sklearn's positive class; classes <c>0</c>/<c>1</c> are both kept even when one
/// never occurs).
/// <para>
/// Errors (a <see cref="RunImportException"/> naming the file, line and cause, with a hint): missing or empty file, no
/// rows, no label column, neither a prediction nor probabilities, duplicated header names, ragged CSV rows, an unclosed
/// quote, invalid JSON, a JSON object or array where a value belongs, an empty label or prediction, a probability that is
/// not a finite number in [0, 1] (NaN named with its row), a label or prediction outside the <c>prob_</c> classes.
/// Warnings (kept on the result, nothing dropped): a row whose probabilities do not sum to 1 within 1e-3 (by how much,
/// values kept as written), duplicated example ids (both lines), a prediction that is not the most probable class,
/// empty example ids, tags that are not BIO/IOB2, sentences whose rows are not contiguous.
/// </para>
/// </summary>
public static class PredictionsReader
{
    /// <summary>Rows whose probabilities sum to 1 within this are not reported.</summary>
    public const double SumTolerance = 1e-3;

    /// <summary>Probabilities may exceed [0, 1] by this much (float32 softmax outputs) before they are refused.</summary>
    public const double RangeTolerance = 1e-6;

    /// <summary>At most this many warnings of one kind name their rows; the rest are counted in one more warning.</summary>
    public const int WarningsPerKind = 20;

    private const string PositiveRole = "probability (positive class)";

    public static async Task<PredictionsFile> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(await PredictionTable.ReadAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads predictions held in memory (an upload: the same CSV or JSONL as a file); <paramref name="source"/>
    /// names them in errors and in the result.</summary>
    public static PredictionsFile Read(string source, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(bytes);
        return Read(PredictionTable.Parse(source, bytes));
    }

    private static PredictionsFile Read(PredictionTable table)
    {
        if (table.Rows.Count == 0)
        {
            throw new RunImportException(table.Path, null, "no rows after the header", "write one row per example (or per token) after the header");
        }

        var taken = new HashSet<int>();
        var sentence = PredictionColumnNames.Find(table.Columns, PredictionColumnNames.SentenceIdNames, [], taken);
        return sentence >= 0
            ? new PredictionsFile(null, ReadTokens(table, sentence))
            : new PredictionsFile(ReadClassification(table), null);
    }

    /// <summary>Reads a file that must hold classification predictions.</summary>
    public static async Task<PredictionSet> ReadClassificationAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return file.Classification ?? throw new RunImportException(path, null, "a token-classification file (it has a sentence_id column)",
            "evaluate it as entity tagging, or drop the sentence_id column");
    }

    /// <summary>Reads a file that must hold token-classification predictions.</summary>
    public static async Task<TokenPredictionSet> ReadTokensAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        return file.Tokens ?? throw new RunImportException(path, null, "no sentence_id column, so not a token-classification file",
            "add a sentence_id column (one row per token)");
    }

    private static PredictionSet ReadClassification(PredictionTable table)
    {
        var path = table.Path;
        var cols = table.Columns;
        var taken = new HashSet<int>();
        var uses = ImmutableArray.CreateBuilder<ColumnUse>();
        var warnings = new Warnings();

        // per-class probability columns first, so that no alias takes one of them
        var probColumns = new List<(string Class, int Column)>();
        for (var i = 0; i < cols.Count; i++)
        {
            if (PredictionColumnNames.IsProbabilityColumn(cols[i]))
            {
                var cls = cols[i][PredictionColumnNames.ProbabilityPrefix.Length..];
                if (probColumns.Any(p => string.Equals(p.Class, cls, StringComparison.Ordinal)))
                {
                    throw new RunImportException(path, null, $"two probability columns for class '{cls}'", "keep one prob_<class> column per class");
                }

                probColumns.Add((cls, i));
                taken.Add(i);
                uses.Add(new ColumnUse(PredictionColumnNames.ProbabilityPrefix + cls, cols[i]));
            }
        }

        var label = Role(table, PredictionColumnNames.Label, PredictionColumnNames.LabelNames, PredictionColumnNames.LabelPrefixes, taken, uses);
        if (label < 0)
        {
            throw new RunImportException(path, null, $"no label column (columns: {string.Join(", ", cols)})",
                $"name the true class column '{PredictionColumnNames.Label}' (also read: {string.Join(", ", PredictionColumnNames.LabelNames.Skip(1))}, or one label_… column)");
        }

        var predicted = Role(table, PredictionColumnNames.Predicted, PredictionColumnNames.PredictedNames, PredictionColumnNames.PredictedPrefixes, taken, uses);
        var positive = -1;
        if (probColumns.Count == 0)
        {
            positive = Role(table, PositiveRole, PredictionColumnNames.PositiveProbabilityNames,
                PredictionColumnNames.PositiveProbabilityPrefixes, taken, uses);
        }

        if (predicted < 0 && probColumns.Count == 0 && positive < 0)
        {
            throw new RunImportException(path, null, $"no prediction column and no probabilities (columns: {string.Join(", ", cols)})",
                $"add a '{PredictionColumnNames.Predicted}' column, or one prob_<class> column per class");
        }

        var idColumn = Role(table, PredictionColumnNames.ExampleId, PredictionColumnNames.ExampleIdNames, [], taken, uses);
        var rows = table.Rows;
        var n = rows.Count;

        // text of labels and predictions
        var labels = new string[n];
        var preds = predicted >= 0 ? new string[n] : null;
        var known = new KnownTexts();
        ReadLabels(table, label, predicted, labels, preds, known);

        // the class list: every distinct label and prediction (each row's text is one of these instances)
        var distinct = known.Distinct;
        var classSet = new HashSet<string>(distinct, StringComparer.Ordinal);

        ImmutableArray<string> classes;
        if (probColumns.Count > 0)
        {
            var probClasses = new HashSet<string>(probColumns.Select(p => p.Class), StringComparer.Ordinal);
            var outside = !probClasses.IsSupersetOf(distinct);
            for (var r = 0; outside && r < n; r++)
            {
                // a text outside the prob_ classes: the first row that has it is named
                if (!probClasses.Contains(labels[r]))
                {
                    throw Unknown(table, rows[r], "label", labels[r], probColumns);
                }

                if (preds is not null && !probClasses.Contains(preds[r]))
                {
                    throw Unknown(table, rows[r], "predicted", preds[r], probColumns);
                }
            }

            classes = [.. probClasses.Order(CodePointComparer.Instance)];
        }
        else if (positive >= 0)
        {
            if (classSet.IsSubsetOf(["0", "1"]))
            {
                classSet.UnionWith(["0", "1"]);
            }
            else if (classSet.IsSubsetOf(["false", "true"]))
            {
                classSet.UnionWith(["false", "true"]);
            }

            if (classSet.Count != 2 && preds is not null)
            {
                // not a binary task: the column is not a positive-class probability; keep it as a slice column
                warnings.Add("positive", null,
                    $"'{cols[positive]}' is not read as a probability: {classSet.Count} classes, and a single probability needs two; kept as a slice column",
                    _ => "");
                taken.Remove(positive);
                uses.Remove(uses.First(u => u.Role == PositiveRole));
                positive = -1;
                classes = [.. classSet.Order(CodePointComparer.Instance)];
            }
            else if (classSet.Count != 2)
            {
                throw new RunImportException(path, null,
                    $"a single probability column ('{cols[positive]}') but {classSet.Count} classes ({string.Join(", ", classSet.Order(CodePointComparer.Instance).Take(10))})",
                    "a single probability is read as the positive class of a two-class task; write one prob_<class> column per class");
            }
            else
            {
                classes = [.. classSet.Order(CodePointComparer.Instance)];
                uses.Remove(uses.First(u => u.Role == PositiveRole));
                uses.Add(new ColumnUse(PredictionColumnNames.ProbabilityPrefix + classes[1], cols[positive], "positive class probability p"));
                uses.Add(new ColumnUse(PredictionColumnNames.ProbabilityPrefix + classes[0], cols[positive], "1 − p"));
            }
        }
        else
        {
            classes = [.. classSet.Order(CodePointComparer.Instance)];
        }

        var k = classes.Length;
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < k; c++)
        {
            classIndex[classes[c]] = c;
        }

        // the rows' texts are the distinct instances: look them up by reference
        var indexOf = new Dictionary<string, int>(ReferenceEqualityComparer.Instance);
        foreach (var text in distinct)
        {
            indexOf[text] = classIndex[text];
        }

        // probabilities, row-major in class order
        double[]? probs = null;
        if (probColumns.Count > 0 || positive >= 0)
        {
            probs = new double[n * k];
            if (positive < 0)
            {
                ReadProbabilities(table, [.. probColumns.Select(p => (Index: classIndex[p.Class], p.Column))], k, probs);
            }
            else
            {
                for (var r = 0; r < n; r++)
                {
                    var p = Probability(table, rows[r], positive);
                    probs[(r * k) + 1] = p;
                    probs[r * k] = 1.0 - p;
                }
            }
        }

        // indices, predictions from the argmax when there is no prediction column, and the rows whose probabilities do
        // not sum to 1 or whose prediction is not the most probable class: on every core, the warnings then in file order
        var trueIdx = new int[n];
        var predIdx = new int[n];
        var parts = RowParts.Count(n);
        var offSum = new List<int>[parts];
        var notArgmax = new List<int>[parts];
        var sumColumns = positive < 0 ? probColumns.Select(p => classIndex[p.Class]).ToArray() : null;
        RowParts.For(n, parts, (part, start, end) =>
        {
            offSum[part] = [];
            notArgmax[part] = [];
            for (var r = start; r < end; r++)
            {
                trueIdx[r] = indexOf[labels[r]];
                var row = probs is null ? default : probs.AsSpan(r * k, k);
                if (probs is not null && sumColumns is not null && Math.Abs(Sum(row, sumColumns) - 1.0) > SumTolerance)
                {
                    offSum[part].Add(r);
                }

                if (preds is null)
                {
                    predIdx[r] = row.IndexOf(Max(row));
                    continue;
                }

                predIdx[r] = indexOf[preds[r]];
                if (probs is not null && row[predIdx[r]] < row[row.IndexOf(Max(row))])
                {
                    notArgmax[part].Add(r);
                }
            }
        });

        foreach (var r in offSum.SelectMany(o => o))
        {
            var sum = Sum(probs.AsSpan(r * k, k), sumColumns!);
            warnings.Add("sum", rows[r].Line,
                $"probabilities sum to {sum.ToString("R", CultureInfo.InvariantCulture)} (off by {(sum - 1.0).ToString("+0.######;-0.######", CultureInfo.InvariantCulture)}); kept as written",
                c => $"{c} more rows whose probabilities do not sum to 1");
        }

        if (notArgmax.Sum(a => a.Count) is var wrong and > 0)
        {
            warnings.Add("argmax", rows[notArgmax.First(a => a.Count > 0)[0]].Line,
                $"the prediction is not the most probable class in {wrong} row{(wrong == 1 ? "" : "s")} (this is the first); predictions kept as written",
                _ => "");
        }

        // ids: the cells made strings on every core, then checked for duplicates on every core (FirstOccurrences), the
        // warnings in file order
        var ids = new string[n];
        var lines = new int[n];
        for (var r = 0; r < n; r++)
        {
            lines[r] = rows[r].Line;
        }

        // (a CSV read from its bytes has no JSON object or array cells)
        if (idColumn >= 0 && !table.IsUtf8 && Enumerable.Range(0, n).Any(r => table.IsStructured(rows[r], idColumn)))
        {
            _ = Enumerable.Range(0, n).Select(r => Cell(table, rows[r], idColumn, "example_id")).ToList(); // throws at the first
        }

        RowParts.For(n, parts, (_, start, end) =>
        {
            for (var r = start; r < end; r++)
            {
                ids[r] = idColumn >= 0 ? table.Cell(rows[r], idColumn) ?? "" : (r + 1).ToString(CultureInfo.InvariantCulture);
            }
        });

        if (idColumn >= 0)
        {
            var first = FirstOccurrences.Of(ids);
            for (var r = 0; r < n; r++)
            {
                if (first[r] == FirstOccurrences.Blank)
                {
                    ids[r] = (r + 1).ToString(CultureInfo.InvariantCulture);
                    warnings.Add("id-empty", rows[r].Line, $"empty example_id; the row number {ids[r]} stands in", c => $"{c} more rows with an empty example_id");
                }
                else if (first[r] >= 0)
                {
                    warnings.Add("id-dup", rows[r].Line, $"example_id '{Short(ids[r])}' also at line {rows[first[r]].Line}", c => $"{c} more duplicated example ids");
                }
            }
        }

        // slices
        var slices = ImmutableArray.CreateBuilder<SliceColumn>();
        for (var c = 0; c < cols.Count; c++)
        {
            if (taken.Contains(c))
            {
                continue;
            }

            var values = new string[n];
            for (var r = 0; r < n; r++)
            {
                values[r] = table.Cell(rows[r], c) ?? "";
            }

            slices.Add(new SliceColumn(cols[c], ImmutableCollectionsMarshal.AsImmutableArray(values)));
        }

        return new PredictionSet
        {
            Source = path,
            Classes = classes,
            ExampleIds = ImmutableCollectionsMarshal.AsImmutableArray(ids),
            HasExampleIds = idColumn >= 0,
            Lines = ImmutableCollectionsMarshal.AsImmutableArray(lines),
            TrueIndices = ImmutableCollectionsMarshal.AsImmutableArray(trueIdx),
            PredictedIndices = ImmutableCollectionsMarshal.AsImmutableArray(predIdx),
            PredictedFromProbabilities = preds is null,
            Probabilities = probs is null ? null : ImmutableCollectionsMarshal.AsImmutableArray(probs),
            Slices = slices.ToImmutable(),
            ColumnUses = uses.ToImmutable(),
            Warnings = warnings.ToImmutable(),
        };
    }

    private static TokenPredictionSet ReadTokens(PredictionTable table, int sentenceColumn)
    {
        var path = table.Path;
        var taken = new HashSet<int> { sentenceColumn };
        var uses = ImmutableArray.CreateBuilder<ColumnUse>();
        uses.Add(new ColumnUse(PredictionColumnNames.SentenceId, table.Columns[sentenceColumn]));
        var warnings = new Warnings();
        var label = Role(table, PredictionColumnNames.Label, PredictionColumnNames.LabelNames, PredictionColumnNames.LabelPrefixes, taken, uses);
        var predicted = Role(table, PredictionColumnNames.Predicted, PredictionColumnNames.PredictedNames, PredictionColumnNames.PredictedPrefixes, taken, uses);
        if (label < 0 || predicted < 0)
        {
            throw new RunImportException(path, null,
                $"a token file (it has '{table.Columns[sentenceColumn]}') without a {(label < 0 ? "label" : "predicted")} column (columns: {string.Join(", ", table.Columns)})",
                "write one row per token: sentence_id, label, predicted (BIO/IOB2 tags)");
        }

        var order = new List<string>();
        var groups = new Dictionary<string, (int Line, List<string> Labels, List<string> Preds)>(StringComparer.Ordinal);
        string? previous = null;
        var reported = new HashSet<string>(StringComparer.Ordinal);
        var oddTags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var id = Cell(table, row, sentenceColumn, "sentence_id");
            if (string.IsNullOrWhiteSpace(id))
            {
                // the Kaggle NER layout: the sentence id only on a sentence's first token
                id = previous ?? throw new RunImportException(path, $"line {row.Line}", "the first token has no sentence_id",
                    "give every token (or at least every sentence's first token) a sentence_id");
            }

            var gold = Required(table, row, label, "label");
            var pred = Required(table, row, predicted, "prediction");
            foreach (var tag in (ReadOnlySpan<string>)[gold, pred])
            {
                if (!IsBioTag(tag) && oddTags.Add(tag))
                {
                    warnings.Add("tag", row.Line, $"'{Short(tag)}' is not a BIO/IOB2 tag (O, B-TYPE, I-TYPE; E-/S- also read); seqeval reads its first character as the prefix",
                        c => $"{c} more tags that are not BIO/IOB2");
                }
            }

            if (!groups.TryGetValue(id, out var g))
            {
                g = (row.Line, [], []);
                groups[id] = g;
                order.Add(id);
            }
            else if (!string.Equals(previous, id, StringComparison.Ordinal) && reported.Add(id))
            {
                warnings.Add("split", row.Line, $"sentence '{Short(id)}' continues here after other sentences (it began at line {g.Line}); its tokens are joined in file order",
                    c => $"{c} more sentences whose rows are not contiguous");
            }

            g.Labels.Add(gold);
            g.Preds.Add(pred);
            previous = id;
        }

        for (var c = 0; c < table.Columns.Count; c++)
        {
            if (!taken.Contains(c))
            {
                uses.Add(new ColumnUse("ignored", table.Columns[c], "token files keep no slice columns"));
            }
        }

        return new TokenPredictionSet
        {
            Source = path,
            Sentences = [.. order.Select(id => new TokenSentence(id, groups[id].Line,
                ImmutableArray.CreateRange(groups[id].Labels), ImmutableArray.CreateRange(groups[id].Preds)))],
            ColumnUses = uses.ToImmutable(),
            Warnings = warnings.ToImmutable(),
        };
    }

    private static bool IsBioTag(string tag) =>
        tag is "O" || (tag.Length > 2 && tag[1] == '-' && tag[0] is 'B' or 'I' or 'E' or 'S');

    private static int Role(PredictionTable table, string role, IReadOnlyList<string> names, IReadOnlyList<string> prefixes, HashSet<int> taken,
        ImmutableArray<ColumnUse>.Builder uses)
    {
        var i = PredictionColumnNames.Find(table.Columns, names, prefixes, taken);
        if (i >= 0)
        {
            taken.Add(i);
            var canonical = string.Equals(table.Columns[i], names[0], StringComparison.Ordinal);
            uses.Add(new ColumnUse(role, table.Columns[i], canonical ? null : "alias"));
        }

        return i;
    }

    private static string? Cell(PredictionTable table, TableRow row, int column, string role)
    {
        if (table.IsStructured(row, column))
        {
            throw new RunImportException(table.Path, $"line {row.Line}", $"{role} ('{table.Columns[column]}') is a JSON object or array",
                "write a string or a number");
        }

        return table.Cell(row, column);
    }

    /// <summary>Fills <paramref name="probs"/> (row-major, <paramref name="k"/> per row) on every core. Rows that do not
    /// read that way are then read again in file order by <see cref="Probability"/>, so the error thrown is the one a
    /// row-by-row pass would throw.</summary>
    private static void ReadProbabilities(PredictionTable table, (int Index, int Column)[] order, int k, double[] probs)
    {
        var rows = table.Rows;
        var parts = RowParts.Count(rows.Count);
        var again = new List<int>[parts];
        if (table.Utf8Cells(out var utf8, out var starts))
        {
            // the cells' byte ranges read straight from the field starts: the same bytes TryProbability reads
            var stride = table.Columns.Count + 1;
            RowParts.For(rows.Count, parts, (part, start, end) =>
            {
                again[part] = [];
                for (var r = start; r < end; r++)
                {
                    var row = r * stride;
                    foreach (var (index, column) in order)
                    {
                        var from = starts[row + column];
                        if (!TryNumber(utf8.AsSpan(from, starts[row + column + 1] - 1 - from), out probs[(r * k) + index]))
                        {
                            again[part].Add(r);
                            break;
                        }
                    }
                }
            });
        }
        else
        {
            RowParts.For(rows.Count, parts, (part, start, end) =>
            {
                again[part] = [];
                for (var r = start; r < end; r++)
                {
                    foreach (var (index, column) in order)
                    {
                        if (!TryProbability(table, rows[r], column, out probs[(r * k) + index]))
                        {
                            again[part].Add(r);
                            break;
                        }
                    }
                }
            });
        }

        foreach (var r in again.SelectMany(a => a))
        {
            foreach (var (index, column) in order)
            {
                probs[(r * k) + index] = Probability(table, rows[r], column);
            }
        }
    }

    /// <summary>The common case of <see cref="Probability"/>: a finite number in range, read without a string.</summary>
    private static bool TryProbability(PredictionTable table, TableRow row, int column, out double p)
    {
        p = 0;
        if (table.IsStructured(row, column))
        {
            return false;
        }

        // fast_float reads what double.TryParse reads, to the same double (both round correctly); anything it does not
        // take whole (a non-ASCII space around the number included), and any value out of range, goes to the row-by-row
        // reading
        if (table.IsUtf8)
        {
            return TryNumber(table.CellUtf8(row, column), out p);
        }

        var text = table.CellText(row, column, []).Trim();
        var length = text.Length;
        if (length == 0 || !FastDoubleParser.TryParseDouble(text, out var used, out p))
        {
            return false;
        }

        return used == length && double.IsFinite(p) && p >= -RangeTolerance && p <= 1 + RangeTolerance;
    }

    /// <summary><see cref="TryProbability"/> of a cell's UTF-8 bytes.</summary>
    private static bool TryNumber(ReadOnlySpan<byte> cell, out double p)
    {
        p = 0;
        // ASCII white space is at or below the space: a cell that starts and ends above it has nothing to trim
        var bytes = cell.Length > 0 && cell[0] > (byte)' ' && cell[^1] > (byte)' ' ? cell : cell[System.Text.Ascii.Trim(cell)];
        var length = bytes.Length;
        if (length == 0 || !FastDoubleParser.TryParseDouble(bytes, out var used, out p))
        {
            return false;
        }

        return used == length && double.IsFinite(p) && p >= -RangeTolerance && p <= 1 + RangeTolerance;
    }

    /// <summary>Fills <paramref name="labels"/> (and <paramref name="predicted"/>'s texts into <paramref name="preds"/>) with
    /// the instances of <paramref name="known"/>'s distinct texts, on every core for a UTF-8 table (each part with its own
    /// raw cells, the texts shared). When a row is refused, the rows are read again in file order, so the error thrown is
    /// the one a row-by-row pass would throw.</summary>
    private static void ReadLabels(PredictionTable table, int label, int predicted, string[] labels, string[]? preds, KnownTexts known)
    {
        var rows = table.Rows;
        var refused = 0;
        RowParts.For(rows.Count, table.IsUtf8 ? RowParts.Count(rows.Count) : 1, (_, start, end) =>
        {
            var part = known.Part();
            try
            {
                for (var r = start; r < end; r++)
                {
                    labels[r] = Required(table, rows[r], label, "label", part);
                    if (preds is not null)
                    {
                        preds[r] = Required(table, rows[r], predicted, "prediction", part);
                    }
                }
            }
            catch (RunImportException)
            {
                Interlocked.Exchange(ref refused, 1);
            }
        });

        for (var r = 0; refused == 1 && r < rows.Count; r++)
        {
            _ = Required(table, rows[r], label, "label", known);
            if (preds is not null)
            {
                _ = Required(table, rows[r], predicted, "prediction", known);
            }
        }
    }

    private static string Required(PredictionTable table, TableRow row, int column, string role, KnownTexts known)
    {
        if (table.IsUtf8 && known.Find(table.CellUtf8(row, column)) is { } seen)
        {
            return seen;
        }

        if (table.IsStructured(row, column))
        {
            _ = Cell(table, row, column, role); // throws
        }

        var text = table.CellText(row, column, stackalloc char[256]).Trim();
        if (text.IsEmpty)
        {
            return Required(table, row, column, role); // throws
        }

        var value = known.Intern(text);
        if (table.IsUtf8)
        {
            known.Remember(table.CellUtf8(row, column), value);
        }

        return value;
    }

    private static string Required(PredictionTable table, TableRow row, int column, string role)
    {
        var v = Cell(table, row, column, role)?.Trim();
        if (string.IsNullOrEmpty(v))
        {
            throw new RunImportException(table.Path, $"line {row.Line}", $"empty {role} ('{table.Columns[column]}')",
                $"every row needs a {role}; drop rows that have none");
        }

        return v;
    }

    private static double Probability(PredictionTable table, TableRow row, int column)
    {
        var name = table.Columns[column];
        var text = Cell(table, row, column, "probability")?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw new RunImportException(table.Path, $"line {row.Line}", $"empty probability in '{name}'", "give every row a probability for every class");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p))
        {
            throw new RunImportException(table.Path, $"line {row.Line}", $"'{Short(text)}' in '{name}' is not a number", "write probabilities as numbers such as 0.25");
        }

        if (double.IsNaN(p))
        {
            throw new RunImportException(table.Path, $"line {row.Line}", $"NaN score in '{name}' (example at line {row.Line})",
                "the model produced NaN for this example; fix or drop the row");
        }

        if (double.IsInfinity(p) || p < -RangeTolerance || p > 1 + RangeTolerance)
        {
            throw new RunImportException(table.Path, $"line {row.Line}", $"{Short(text)} in '{name}' is not a probability (outside [0, 1])",
                "write softmax/sigmoid outputs, not logits");
        }

        return p;
    }

    private static RunImportException Unknown(PredictionTable table, TableRow row, string role, string value, List<(string Class, int Column)> probColumns) =>
        new(table.Path, $"line {row.Line}", $"unknown class '{Short(value)}' in {role}: there is no prob_{Short(value)} column",
            $"the prob_ columns name the classes ({string.Join(", ", probColumns.Select(p => p.Class).Take(10))}); add the missing column or fix the value");

    private static double Max(ReadOnlySpan<double> values)
    {
        var m = values[0];
        foreach (var v in values)
        {
            m = v > m ? v : m;
        }

        return m;
    }

    /// <summary>A row's probabilities summed in the order of the columns (<paramref name="classes"/>: each column's class).</summary>
    private static double Sum(ReadOnlySpan<double> row, int[] classes)
    {
        var sum = 0.0;
        foreach (var c in classes)
        {
            sum += row[c];
        }

        return sum;
    }

    private static string Short(string s) => s.Length <= 60 ? s : s[..57] + "…";

    /// <summary>The distinct label and prediction texts (one string instance each, shared by every part under a lock), and
    /// each part's raw UTF-8 cells of the first few, found again without decoding: a cell is remembered only when it starts
    /// and ends with a printable ASCII character, so trimming it changes nothing and its bytes alone say its text.</summary>
    private sealed class KnownTexts
    {
        private const int MaxCells = 64;
        private const int Slots = 128;
        private readonly List<(byte[] Bytes, string Text)>?[] _cells = new List<(byte[] Bytes, string Text)>?[Slots];
        private int _cellCount;
        private readonly Dictionary<string, string> _texts;
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public KnownTexts()
            : this(new Dictionary<string, string>(StringComparer.Ordinal))
        {
        }

        private KnownTexts(Dictionary<string, string> texts)
        {
            _texts = texts;
            _lookup = texts.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        /// <summary>The distinct texts (read once every part is done).</summary>
        public IReadOnlyCollection<string> Distinct => _texts.Values;

        /// <summary>The same texts with no raw cells of its own, for one part of the rows.</summary>
        public KnownTexts Part() => new(_texts);

        /// <summary>The one instance of <paramref name="text"/>.</summary>
        public string Intern(ReadOnlySpan<char> text)
        {
            lock (_texts)
            {
                if (!_lookup.TryGetValue(text, out var value))
                {
                    value = text.ToString();
                    _texts[value] = value;
                }

                return value;
            }
        }

        /// <summary>The text of a raw cell seen before (the same bytes), or null.</summary>
        public string? Find(ReadOnlySpan<byte> cell)
        {
            if (_cells[Slot(cell)] is { } slot)
            {
                foreach (var (bytes, text) in slot)
                {
                    if (cell.SequenceEqual(bytes))
                    {
                        return text;
                    }
                }
            }

            return null;
        }

        public void Remember(ReadOnlySpan<byte> cell, string text)
        {
            if (_cellCount < MaxCells && cell.Length > 0 && cell[0] is > 0x20 and < 0x7F && cell[^1] is > 0x20 and < 0x7F)
            {
                (_cells[Slot(cell)] ??= []).Add((cell.ToArray(), text));
                _cellCount++;
            }
        }

        /// <summary>The cell's slot: its length and up to its first and last eight bytes mixed (equal cells, equal slots).</summary>
        private static int Slot(ReadOnlySpan<byte> cell)
        {
            ulong head = 0, tail = 0;
            if (cell.Length >= 8)
            {
                head = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(cell);
                tail = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(cell[^8..]);
            }
            else
            {
                foreach (var b in cell)
                {
                    head = (head << 8) | b;
                }
            }

            var h = (head ^ (tail * 0x9E37_79B9_7F4A_7C15UL) ^ (ulong)cell.Length) * 0xBF58_476D_1CE4_E5B9UL;
            return (int)(h >> 57);
        }
    }

    /// <summary>Warnings with at most <see cref="WarningsPerKind"/> of one kind named, the rest counted.</summary>
    private sealed class Warnings
    {
        private readonly List<PredictionWarning> _list = [];
        private readonly Dictionary<string, (int Count, Func<int, string> Summary)> _kinds = new(StringComparer.Ordinal);

        public void Add(string kind, int? line, string message, Func<int, string> summary)
        {
            var count = _kinds.TryGetValue(kind, out var k) ? k.Count + 1 : 1;
            _kinds[kind] = (count, summary);
            if (count <= WarningsPerKind)
            {
                _list.Add(new PredictionWarning(line, message));
            }
        }

        public ImmutableArray<PredictionWarning> ToImmutable()
        {
            var result = new List<PredictionWarning>(_list);
            foreach (var (_, (count, summary)) in _kinds)
            {
                if (count > WarningsPerKind)
                {
                    result.Add(new PredictionWarning(null, "and " + summary(count - WarningsPerKind)));
                }
            }

            return [.. result];
        }
    }
}
