using System;
using System.ComponentModel;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace NetGen.Runtime
{
    /// <summary>
    /// Runs the parts of a mini-batch on several threads for generated networks' data-parallel <c>Train</c>: part 0 on
    /// the calling thread, parts 1… on worker threads of this runner, and returns when all are done. Which part covers
    /// which examples and how the results are combined is the caller's fixed choice, so the result does not depend on
    /// the scheduling. The spans are pinned for the duration of the call and handed to the workers as pointers.
    /// </summary>
    /// <remarks>
    /// A training step lasts tens of microseconds, about what waking a sleeping thread-pool thread costs, so the workers
    /// are the runner's own: between steps each spins on the step counter for a while (<see cref="SpinIterations"/>), then
    /// sleeps until the next step, and after <see cref="IdleTimeout"/> without work it ends (the next Run starts it
    /// again), so an idle runner holds no thread and does not keep its network alive. Nothing is allocated per call
    /// while the workers live.
    /// </remarks>
    /// <typeparam name="TInput">Element type of the inputs (float or double).</typeparam>
    /// <typeparam name="TTarget">Element type of the targets (int labels, or float or double targets).</typeparam>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed unsafe class DataParallel<TInput, TTarget>
        where TInput : unmanaged
        where TTarget : unmanaged
    {
        /// <summary>How long a worker without work lives, by default.</summary>
        public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

        /// <summary>SpinWait iterations (no yielding to sleep) a waiting thread spins before it blocks: about 100 µs here.</summary>
        private const int SpinIterations = 2_000;

        private readonly PartWork _work;
        private readonly TimeSpan _idleTimeout;
        private readonly bool[] _running;
        private readonly object _gate = new();
        private TInput* _inputs;
        private int _inputLength;
        private TTarget* _targets;
        private int _targetLength;
        private Exception? _failure;
        private int _generation;
        private int _pending;
        private int _sleepers;
        private int _waiting;

        /// <summary>Creates the runner for <paramref name="parts"/> parts (≥ 2) of work done by <paramref name="work"/>.</summary>
        public DataParallel(int parts, PartWork work)
            : this(parts, work, IdleTimeout)
        {
        }

        /// <summary>As the public constructor, with workers that end after <paramref name="idleTimeout"/> without work.</summary>
        internal DataParallel(int parts, PartWork work, TimeSpan idleTimeout)
        {
            _idleTimeout = idleTimeout;
            if (parts < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(parts), parts, "Expected at least 2 parts.");
            }

            _work = work ?? throw new ArgumentNullException(nameof(work));
            _running = new bool[parts - 1];
        }

        /// <summary>One part of the work: the whole batch and the index of the part to compute.</summary>
        public delegate void PartWork(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets, int part);

        /// <summary>Number of parts.</summary>
        public int Parts => _running.Length + 1;

        /// <summary>Worker threads alive now (they end after the idle timeout).</summary>
        internal int LiveWorkers
        {
            get
            {
                lock (_gate)
                {
                    return Array.FindAll(_running, r => r).Length;
                }
            }
        }

        /// <summary>Runs every part and returns when all are done; rethrows the first exception of any part.</summary>
        public void Run(ReadOnlySpan<TInput> inputs, ReadOnlySpan<TTarget> targets)
        {
            fixed (TInput* pi = inputs)
            fixed (TTarget* pt = targets)
            {
                _inputs = pi;
                _inputLength = inputs.Length;
                _targets = pt;
                _targetLength = targets.Length;
                _failure = null;
                Volatile.Write(ref _pending, _running.Length);
                StartWorkers();
                Interlocked.Increment(ref _generation);
                if (Volatile.Read(ref _sleepers) > 0)
                {
                    lock (_gate)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }

                try
                {
                    _work(inputs, targets, 0);
                }
                finally
                {
                    // The workers read the pinned spans: never leave this block before they are done.
                    WaitForWorkers();
                    _inputs = null;
                    _targets = null;
                }
            }

            if (_failure is not null)
            {
                ExceptionDispatchInfo.Capture(_failure).Throw();
            }
        }

        /// <summary>Starts the workers that have ended (or never started), each waiting for the step after the current one.</summary>
        private void StartWorkers()
        {
            lock (_gate)
            {
                for (int k = 0; k < _running.Length; k++)
                {
                    if (!_running[k])
                    {
                        _running[k] = true;
                        int part = k + 1, seen = _generation;
                        new Thread(() => Work(part, seen)) { IsBackground = true, Name = "NetGen training part " + part }.Start();
                    }
                }
            }
        }

        private void WaitForWorkers()
        {
            var spinner = default(SpinWait);
            for (int i = 0; i < SpinIterations && Volatile.Read(ref _pending) > 0; i++)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            if (Volatile.Read(ref _pending) > 0)
            {
                lock (_gate)
                {
                    Interlocked.Exchange(ref _waiting, 1); // a full fence: the look at _pending below comes after it
                    while (Volatile.Read(ref _pending) > 0)
                    {
                        Monitor.Wait(_gate);
                    }

                    _waiting = 0;
                }
            }
        }

        /// <summary>A worker's loop: wait for a step after <paramref name="seen"/>, compute its part, repeat; end when idle.</summary>
        private void Work(int part, int seen)
        {
            while (true)
            {
                var spinner = default(SpinWait);
                for (int i = 0; i < SpinIterations && Volatile.Read(ref _generation) == seen; i++)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }

                if (Volatile.Read(ref _generation) == seen)
                {
                    lock (_gate)
                    {
                        // Counted as a sleeper before the last look at the counter, so Run either sees the sleeper and
                        // pulses, or has already moved the counter and the look sees it.
                        Interlocked.Increment(ref _sleepers);
                        while (Volatile.Read(ref _generation) == seen)
                        {
                            if (!Monitor.Wait(_gate, _idleTimeout) && Volatile.Read(ref _generation) == seen)
                            {
                                Interlocked.Decrement(ref _sleepers);
                                _running[part - 1] = false;
                                return;
                            }
                        }

                        Interlocked.Decrement(ref _sleepers);
                    }
                }

                seen = Volatile.Read(ref _generation);
                RunPart(part);
            }
        }

        private void RunPart(int part)
        {
            try
            {
                _work(new ReadOnlySpan<TInput>(_inputs, _inputLength), new ReadOnlySpan<TTarget>(_targets, _targetLength), part);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            finally
            {
                if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _waiting) != 0)
                {
                    lock (_gate)
                    {
                        Monitor.PulseAll(_gate);
                    }
                }
            }
        }
    }
}
