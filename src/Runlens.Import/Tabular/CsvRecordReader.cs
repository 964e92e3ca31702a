using System.Text;

namespace Runlens.Import.Tabular;

/// <summary>
/// A small RFC 4180 record reader that knows the line each record starts on: quoted fields (with doubled quotes and line
/// breaks inside), LF, CRLF and lone CR line ends, a UTF-8 byte order mark. The delimiter is taken from the first line
/// (the most frequent of comma, tab and semicolon outside quotes; comma when none). Blank lines are skipped. Records longer
/// than <see cref="MaxRecordChars"/> and quotes left open at the end of the file come back as damaged records, not
/// exceptions.
/// </summary>
internal sealed class CsvRecordReader
{
    public const int MaxRecordChars = 1 << 20;
    private const int BufferChars = 1 << 16;

    private readonly TextReader _reader;
    private readonly char[] _buffer = new char[BufferChars];
    private readonly StringBuilder _field = new();
    private int _pos;
    private int _len;
    private bool _eof;
    private int _line = 1;
    private char _delimiter;

    public CsvRecordReader(TextReader reader, char delimiter = '\0')
    {
        _reader = reader;
        _delimiter = delimiter;
    }

    /// <summary>The delimiter in use (known after the first <see cref="Read"/>).</summary>
    public char Delimiter => _delimiter;

    /// <summary>Characters consumed so far (for progress).</summary>
    public long CharsRead { get; private set; }

    /// <summary>Reads on after the end was reached, from where it stopped: a stream that grows (a log being tailed)
    /// yields its new records to the next <see cref="Read"/>, numbered after the ones before.</summary>
    internal void Resume() => _eof = false;

    /// <summary>Reads the next non-blank record into <paramref name="fields"/>. False at the end of the input.</summary>
    public bool Read(List<string> fields, out CsvRecord record)
    {
        ArgumentNullException.ThrowIfNull(fields);
        while (true)
        {
            fields.Clear();
            if (!Fill())
            {
                record = default;
                return false;
            }

            if (_delimiter == '\0')
            {
                _delimiter = Sniff();
            }

            var start = _line;
            var status = ReadRecord(fields);
            if (status == CsvRecordStatus.Ok && fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // a blank line
            }

            record = new CsvRecord(start, status);
            return true;
        }
    }

    private CsvRecordStatus ReadRecord(List<string> fields)
    {
        _field.Clear();
        var total = 0;
        var inQuotes = false;
        var quoted = false;
        while (Fill())
        {
            var c = _buffer[_pos++];
            CharsRead++;
            if (++total > MaxRecordChars)
            {
                SkipToLineEnd();
                fields.Clear();
                return CsvRecordStatus.TooLong;
            }

            if (inQuotes)
            {
                if (c == '"')
                {
                    if (Fill() && _buffer[_pos] == '"')
                    {
                        _pos++;
                        CharsRead++;
                        _field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && !(Fill() && _buffer[_pos] == '\n')))
                    {
                        _line++;
                    }

                    _field.Append(c);
                }

                continue;
            }

            if (c == _delimiter)
            {
                fields.Add(_field.Length == 0 ? "" : _field.ToString());
                _field.Clear();
                quoted = false;
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && Fill() && _buffer[_pos] == '\n')
                {
                    _pos++;
                    CharsRead++;
                }

                _line++;
                fields.Add(_field.Length == 0 ? "" : _field.ToString());
                return CsvRecordStatus.Ok;
            }
            else if (c == '"' && _field.Length == 0 && !quoted)
            {
                inQuotes = true;
                quoted = true;
            }
            else
            {
                _field.Append(c); // text after a closing quote, or a quote inside a bare field: kept as written
            }
        }

        fields.Add(_field.ToString());
        return inQuotes ? CsvRecordStatus.OpenQuote : CsvRecordStatus.Ok;
    }

    /// <summary>Drops a record too long to be a metric row up to the next line end (inside quotes or not, so one stray
    /// quote cannot swallow the rest of the file).</summary>
    private void SkipToLineEnd()
    {
        while (Fill())
        {
            var c = _buffer[_pos++];
            CharsRead++;
            if (c == '\n' || c == '\r')
            {
                if (c == '\r' && Fill() && _buffer[_pos] == '\n')
                {
                    _pos++;
                    CharsRead++;
                }

                _line++;
                return;
            }
        }
    }

    private bool Fill()
    {
        if (_pos < _len)
        {
            return true;
        }

        if (_eof)
        {
            return false;
        }

        _len = _reader.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (_len <= 0)
        {
            _len = 0;
            _eof = true;
            return false;
        }

        return true;
    }

    private char Sniff()
    {
        int commas = 0, tabs = 0, semis = 0;
        var inQuotes = false;
        for (var i = _pos; i < _len; i++)
        {
            var c = _buffer[i];
            if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (!inQuotes)
            {
                if (c is '\n' or '\r')
                {
                    break;
                }

                commas += c == ',' ? 1 : 0;
                tabs += c == '\t' ? 1 : 0;
                semis += c == ';' ? 1 : 0;
            }
        }

        return tabs > commas && tabs >= semis ? '\t' : semis > commas ? ';' : ',';
    }
}
