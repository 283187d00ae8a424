import AsyncHTTPClient

import Histogram
import Yams
import Subprocess

import ServiceLifecycle
import DequeModule
