namespace Runlens.Live.Alerts.Detectors;

/// <summary>Mean and population standard deviation of the last <c>capacity</c> values pushed, in O(1) per push: running
/// sums of the values minus a shift (so large offsets do not cancel), recomputed exactly from the buffer every
/// <c>capacity</c> pushes so rounding cannot build up.</summary>
internal sealed class RollingWindow(int capacity)
{
    private readonly double[] _buffer = new double[capacity];
    private int _count;
    private int _next;
    private int _sinceExact;
    private double _shift = double.NaN;
    private double _sum;
    private double _sumSq;

    public int Count => _count;

    public double Mean => _count == 0 ? double.NaN : _shift + _sum / _count;

    /// <summary>Population standard deviation (ddof 0).</summary>
    public double Std
    {
        get
        {
            if (_count == 0)
            {
                return double.NaN;
            }

            var m = _sum / _count;
            return Math.Sqrt(Math.Max(0, _sumSq / _count - m * m));
        }
    }

    public void Push(double value)
    {
        if (double.IsNaN(_shift))
        {
            _shift = value;
        }

        if (_count == capacity)
        {
            var old = _buffer[_next] - _shift;
            _sum -= old;
            _sumSq -= old * old;
        }
        else
        {
            _count++;
        }

        _buffer[_next] = value;
        _next = (_next + 1) % capacity;
        var d = value - _shift;
        _sum += d;
        _sumSq += d * d;
        if (++_sinceExact >= capacity)
        {
            Recompute();
        }
    }

    public void Clear()
    {
        _count = 0;
        _next = 0;
        _sinceExact = 0;
        _shift = double.NaN;
        _sum = 0;
        _sumSq = 0;
    }

    private void Recompute()
    {
        _sinceExact = 0;
        var newest = _buffer[(_next - 1 + capacity) % capacity];
        _shift = newest;
        _sum = 0;
        _sumSq = 0;
        for (var i = 0; i < _count; i++)
        {
            var d = _buffer[i] - _shift;
            _sum += d;
            _sumSq += d * d;
        }
    }
}
