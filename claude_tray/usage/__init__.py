"""The data path from a credential to a reading: fetchers and their fusion, history store, forecast, last poll."""
