"""Garden Lab's pure computations: no streamlit here, only numpy, scipy, pandas and torch."""
